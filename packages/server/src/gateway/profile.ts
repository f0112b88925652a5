/**
 * Profile tags (Tencent's `Tag_Profile_*`) to and from account records. Nick and avatar
 * have their own columns (they travel with messages and account lists); the rest live in
 * the account's profile map.
 */
import { ImError } from '@parley/protocol';
import type { AccountRecord } from '../store/store.ts';

const NICK = 'Tag_Profile_IM_Nick';
const IMAGE = 'Tag_Profile_IM_Image';
/** Standard tags kept in the profile map, with their value type. */
const STANDARD_TAGS: Record<string, 'string' | 'number'> = {
  Tag_Profile_IM_Gender: 'string',
  Tag_Profile_IM_SelfSignature: 'string',
  Tag_Profile_IM_BirthDay: 'number',
  Tag_Profile_IM_Location: 'string',
  Tag_Profile_IM_AllowType: 'string',
  Tag_Profile_IM_Language: 'number',
  Tag_Profile_IM_Level: 'number',
  Tag_Profile_IM_Role: 'number',
  Tag_Profile_IM_MsgSettings: 'number',
  Tag_Profile_IM_AdminForbidType: 'string',
};
const CUSTOM_TAG = /^Tag_Profile_Custom_[A-Za-z]{1,8}$/;
const MAX_VALUE_BYTES = 500;

/** The account's profile as Tencent's `[{Tag, Value}]`. */
export function profileItems(a: AccountRecord): { Tag: string; Value: string | number }[] {
  const items: { Tag: string; Value: string | number }[] = [
    { Tag: NICK, Value: a.nick },
    { Tag: IMAGE, Value: a.faceUrl },
  ];
  for (const [Tag, Value] of Object.entries(a.profile)) items.push({ Tag, Value });
  return items;
}

/** A copy of the account with `[{Tag, Value}]` applied; throws Tencent's 400xx codes on bad input. */
export function applyProfileItems(a: AccountRecord, items: unknown): AccountRecord {
  if (!Array.isArray(items) || items.length === 0) throw new ImError('PROFILE_BAD_PARAM', 'ProfileItem must be a non-empty array');
  const next: AccountRecord = { ...a, profile: { ...a.profile } };
  for (const [i, item] of items.entries()) {
    const { Tag, Value } = (item ?? {}) as { Tag?: unknown; Value?: unknown };
    if (typeof Tag !== 'string') throw new ImError('PROFILE_BAD_PARAM', `ProfileItem[${i}].Tag must be a string`);
    const type = Tag === NICK || Tag === IMAGE || CUSTOM_TAG.test(Tag) ? 'string' : STANDARD_TAGS[Tag];
    if (!type) throw new ImError('PROFILE_UNKNOWN_TAG', `profile tag ${Tag.slice(0, 64)} is not supported`);
    const customOk = CUSTOM_TAG.test(Tag) && typeof Value === 'number';
    if (typeof Value !== type && !customOk) throw new ImError('PROFILE_BAD_PARAM', `ProfileItem[${i}].Value must be a ${type}`);
    if (typeof Value === 'string' && Buffer.byteLength(Value) > MAX_VALUE_BYTES) throw new ImError('PROFILE_VALUE_TOO_LONG', `${Tag} exceeds ${MAX_VALUE_BYTES} bytes`);
    if (Tag === NICK) next.nick = Value as string;
    else if (Tag === IMAGE) next.faceUrl = Value as string;
    else next.profile[Tag] = Value as string | number;
  }
  return next;
}
