/**
 * Checks a MsgBody (Tencent's `[{MsgType, MsgContent}]`) and copies it into a clean form:
 * known fields with the right types only, so nothing a client smuggles in is stored or
 * pushed to its peer. Size is measured on the normalised JSON, which is what is stored.
 */
import { ImError, type MsgElem } from '@parley/protocol';

type FieldType = 'string' | 'number' | 'integer';
type Shape = Record<string, { type: FieldType; required?: boolean }>;

/** Fields of each element type Parley stores, as in Tencent's MsgBody reference. */
const ELEMENT_SHAPES: Record<string, Shape> = {
  TIMTextElem: { Text: { type: 'string', required: true } },
  TIMCustomElem: { Data: { type: 'string' }, Desc: { type: 'string' }, Ext: { type: 'string' }, Sound: { type: 'string' } },
  TIMFaceElem: { Index: { type: 'integer', required: true }, Data: { type: 'string' } },
  TIMLocationElem: { Desc: { type: 'string' }, Latitude: { type: 'number', required: true }, Longitude: { type: 'number', required: true } },
};

/** Element types whose content refers to files stored elsewhere; kept as given (plain JSON values only). */
const PASSTHROUGH_TYPES = new Set(['TIMImageElem', 'TIMSoundElem', 'TIMFileElem', 'TIMVideoFileElem']);

const MAX_ELEMENTS = 20;

function checkField(value: unknown, type: FieldType): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'integer') return Number.isInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

/** Validate and normalise a MsgBody; throws ImError with Tencent's codes. */
export function normaliseMsgBody(body: unknown): MsgElem[] {
  if (body === undefined || body === null) throw new ImError('MSG_BAD_BODY', 'MsgBody is missing');
  if (!Array.isArray(body)) throw new ImError('MSG_BODY_NOT_ARRAY');
  if (body.length === 0) throw new ImError('MSG_BAD_BODY', 'MsgBody is empty');
  if (body.length > MAX_ELEMENTS) throw new ImError('MSG_BAD_BODY', `MsgBody has more than ${MAX_ELEMENTS} elements`);
  return body.map((el, i) => normaliseElement(el, i));
}

function normaliseElement(el: unknown, i: number): MsgElem {
  if (typeof el !== 'object' || el === null) throw new ImError('MSG_BAD_ELEMENT', `MsgBody[${i}] is not an object`);
  const { MsgType, MsgContent } = el as { MsgType?: unknown; MsgContent?: unknown };
  if (typeof MsgType !== 'string') throw new ImError('MSG_BAD_ELEMENT', `MsgBody[${i}].MsgType must be a string`);
  if (typeof MsgContent !== 'object' || MsgContent === null || Array.isArray(MsgContent)) {
    throw new ImError('MSG_BAD_ELEMENT', `MsgBody[${i}].MsgContent must be an object`);
  }
  const content = MsgContent as Record<string, unknown>;
  if (PASSTHROUGH_TYPES.has(MsgType)) return { MsgType, MsgContent: JSON.parse(JSON.stringify(content)) as Record<string, unknown> };
  const shape = ELEMENT_SHAPES[MsgType];
  if (!shape) throw new ImError('MSG_BAD_ELEMENT', `MsgBody[${i}].MsgType "${MsgType.slice(0, 40)}" is not supported`);
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(shape)) {
    const v = content[field];
    if (v === undefined || v === null) {
      if (spec.required) throw new ImError('MSG_BAD_ELEMENT', `MsgBody[${i}].MsgContent.${field} is required`);
      continue;
    }
    if (!checkField(v, spec.type)) throw new ImError('MSG_BAD_ELEMENT', `MsgBody[${i}].MsgContent.${field} must be a ${spec.type}`);
    out[field] = v;
  }
  return { MsgType, MsgContent: out };
}

/** Bytes of message content as stored: the MsgBody JSON plus CloudCustomData. */
export function contentBytes(body: MsgElem[], cloudCustomData: string): number {
  return Buffer.byteLength(JSON.stringify(body)) + Buffer.byteLength(cloudCustomData);
}

/** A short text for conversation lists and push previews ("[Custom]", "[Face]", …). */
export function messagePreview(body: MsgElem[]): string {
  const first = body[0];
  if (!first) return '';
  switch (first.MsgType) {
    case 'TIMTextElem':
      return String(first.MsgContent.Text ?? '');
    case 'TIMFaceElem':
      return '[Face]';
    case 'TIMLocationElem':
      return '[Location]';
    case 'TIMCustomElem':
      return String(first.MsgContent.Desc ?? '') || '[Custom]';
    case 'TIMImageElem':
      return '[Image]';
    case 'TIMSoundElem':
      return '[Voice]';
    case 'TIMFileElem':
      return '[File]';
    case 'TIMVideoFileElem':
      return '[Video]';
    default:
      return '';
  }
}
