/** `profile` commands: the same handlers the WebSocket door uses. */
import { z } from 'zod';
import { portraitGet, portraitSet } from '../gateway/commands.ts';
import { command, userIdSchema, type AdminCommand } from './schema.ts';

const tagSchema = z.string().meta({
  description:
    'Tag_Profile_IM_Nick, Tag_Profile_IM_Image, Tag_Profile_IM_Gender, Tag_Profile_IM_SelfSignature, Tag_Profile_IM_BirthDay, Tag_Profile_IM_Location, Tag_Profile_IM_AllowType, Tag_Profile_IM_Language, Tag_Profile_IM_Level, Tag_Profile_IM_Role or Tag_Profile_Custom_<1-8 letters>',
});

export const PROFILE_COMMANDS: AdminCommand[] = [
  command({
    name: 'profile.portrait_get',
    summary: 'Profiles of up to 100 accounts; TagList picks the tags. Unknown accounts are listed in Fail_Account.',
    schema: z.looseObject({ To_Account: z.array(z.string()).min(1).max(100), TagList: z.array(tagSchema).optional() }),
    invalid: 'PROFILE_BAD_PARAM',
    handler: portraitGet,
    example: {
      request: { To_Account: ['alice'], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Gender'] },
      response: {
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        UserProfileItem: [
          {
            To_Account: 'alice',
            ProfileItem: [
              { Tag: 'Tag_Profile_IM_Nick', Value: 'Alice' },
              { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' },
            ],
            ResultCode: 0,
            ResultInfo: '',
            StandardSequence: 0,
            CustomSequence: 0,
          },
        ],
        Fail_Account: [],
        Invalid_Account: [],
        ErrorDisplay: '',
      },
    },
  }),
  command({
    name: 'profile.portrait_set',
    summary: 'Set profile tags of From_Account (string values at most 500 bytes; custom tags take strings or numbers).',
    schema: z.looseObject({
      From_Account: userIdSchema,
      ProfileItem: z.array(z.looseObject({ Tag: tagSchema, Value: z.union([z.string(), z.number()]) })).min(1),
    }),
    invalid: 'PROFILE_BAD_PARAM',
    handler: portraitSet,
    example: {
      request: {
        From_Account: 'alice',
        ProfileItem: [
          { Tag: 'Tag_Profile_IM_Nick', Value: 'Alice' },
          { Tag: 'Tag_Profile_IM_Image', Value: 'https://example.com/alice.png' },
          { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' },
          { Tag: 'Tag_Profile_IM_SelfSignature', Value: 'hi there' },
          { Tag: 'Tag_Profile_Custom_Level', Value: 'gold' },
        ],
      },
      response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' },
    },
  }),
];
