/** Profile fields ↔ Tencent's profile tags (profile.portrait_get / portrait_set). */
import type { Profile, UpdateMyProfileOptions } from './types.ts';

const TAGS = {
  nick: 'Tag_Profile_IM_Nick',
  avatar: 'Tag_Profile_IM_Image',
  gender: 'Tag_Profile_IM_Gender',
  birthday: 'Tag_Profile_IM_BirthDay',
  location: 'Tag_Profile_IM_Location',
  selfSignature: 'Tag_Profile_IM_SelfSignature',
  allowType: 'Tag_Profile_IM_AllowType',
  language: 'Tag_Profile_IM_Language',
  messageSettings: 'Tag_Profile_IM_MsgSettings',
  adminForbidType: 'Tag_Profile_IM_AdminForbidType',
  level: 'Tag_Profile_IM_Level',
  role: 'Tag_Profile_IM_Role',
} as const;

const CUSTOM_PREFIX = 'Tag_Profile_Custom_';

export function emptyProfile(userID: string): Profile {
  return {
    userID,
    nick: '',
    gender: '',
    birthday: 0,
    location: '',
    selfSignature: '',
    allowType: '',
    language: 0,
    avatar: '',
    messageSettings: 0,
    adminForbidType: '',
    level: 0,
    role: 0,
    lastUpdatedNumber: 0,
    profileCustomField: [],
  };
}

/** UserProfileItem[] of a portrait_get reply → Profile[]. */
export function profilesFromReply(body: Record<string, unknown>): Profile[] {
  const items = Array.isArray(body['UserProfileItem']) ? (body['UserProfileItem'] as Record<string, unknown>[]) : [];
  return items.map((item) => {
    const p = emptyProfile(String(item['To_Account'] ?? ''));
    const target = p as unknown as Record<string, unknown>;
    const tags = Array.isArray(item['ProfileItem']) ? (item['ProfileItem'] as { Tag?: string; Value?: unknown }[]) : [];
    for (const { Tag, Value } of tags) {
      if (typeof Tag !== 'string') continue;
      if (Tag.startsWith(CUSTOM_PREFIX)) {
        p.profileCustomField.push({ key: Tag, value: typeof Value === 'number' ? Value : String(Value ?? '') });
        continue;
      }
      const field = (Object.keys(TAGS) as (keyof typeof TAGS)[]).find((k) => TAGS[k] === Tag);
      if (!field) continue;
      const current = target[field];
      target[field] = typeof current === 'number' ? Number(Value) || 0 : String(Value ?? '');
    }
    return p;
  });
}

/** updateMyProfile options → portrait_set ProfileItem[]. */
export function profileItemsFrom(opts: UpdateMyProfileOptions): { Tag: string; Value: string | number }[] {
  const out: { Tag: string; Value: string | number }[] = [];
  for (const k of Object.keys(TAGS) as (keyof typeof TAGS)[]) {
    const v = opts[k];
    if (v !== undefined) out.push({ Tag: TAGS[k], Value: v });
  }
  for (const f of opts.profileCustomField ?? []) {
    const key = f.key.startsWith(CUSTOM_PREFIX) ? f.key : CUSTOM_PREFIX + f.key;
    out.push({ Tag: key, Value: f.value });
  }
  return out;
}
