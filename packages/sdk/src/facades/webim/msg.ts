/**
 * webim's `Session`, `Msg` and `Msg.Elem` classes: the same constructors, public fields and
 * getters as webim 1.7.x, so app code that builds and reads messages runs unchanged.
 */
import type { MsgElem } from '@parley/protocol';
import { C2C_MSG_SUB_TYPE, IMAGE_TYPE, MSG_ELEMENT_TYPE, SESSION_TYPE } from './constants.ts';
import { xssFilter } from './log.ts';

interface SessionImpl {
  skey: string;
  type: string;
  id: string;
  name: string;
  icon: string;
  unread: number;
  isAutoRead: boolean;
  time: number;
  curMaxMsgSeq: number;
  msgs: Msg[];
  isFinished: number;
}

/** A conversation: `new webim.Session(type, id, name, icon, time, seq)`; key `type + id`. */
export class Session {
  _impl: SessionImpl;

  constructor(type: string, id: string, name?: string, icon?: string, time?: number, seq?: number) {
    this._impl = {
      skey: Session.skey(type, id),
      type,
      id,
      name: name ?? id,
      icon: icon ?? '',
      unread: 0,
      isAutoRead: false,
      time: typeof time === 'number' && time >= 0 ? time : 0,
      curMaxMsgSeq: typeof seq === 'number' && seq >= 0 ? seq : 0,
      msgs: [],
      isFinished: 1,
    };
  }

  static skey(type: string, id: string): string {
    return type + id;
  }

  type(): string {
    return this._impl.type;
  }
  id(): string {
    return this._impl.id;
  }
  name(): string {
    return this._impl.name;
  }
  icon(): string {
    return this._impl.icon;
  }
  unread(val?: number): number | undefined {
    if (typeof val !== 'undefined') {
      this._impl.unread = val;
      return undefined;
    }
    return this._impl.unread;
  }
  isFinished(val?: number): number | undefined {
    if (typeof val !== 'undefined') {
      this._impl.isFinished = val;
      return undefined;
    }
    return this._impl.isFinished;
  }
  time(): number {
    return this._impl.time;
  }
  curMaxMsgSeq(seq?: number): number | undefined {
    if (typeof seq !== 'undefined') {
      this._impl.curMaxMsgSeq = seq;
      return undefined;
    }
    return this._impl.curMaxMsgSeq;
  }
  msgCount(): number {
    return this._impl.msgs.length;
  }
  msg(index: number): Msg | undefined {
    return this._impl.msgs[index];
  }
  msgs(): Msg[] {
    return this._impl.msgs;
  }
  /** Adds a message in time order; false when it is already there (same isSend, seq, random). */
  _impl_addMsg(msg: Msg): boolean {
    const msgs = this._impl.msgs;
    if (msgs.some((m) => m === msg || (m.isSend === msg.isSend && m.seq === msg.seq && m.random === msg.random))) return false;
    let i = msgs.length;
    while (i > 0 && msgs[i - 1]!.time > msg.time) i--;
    msgs.splice(i, 0, msg);
    if (msg.time > this._impl.time) this._impl.time = msg.time;
    if (msg.seq > this._impl.curMaxMsgSeq) this._impl.curMaxMsgSeq = msg.seq;
    return true;
  }
}

let seqCounter = Math.floor(Math.random() * 1e7);

/** One message: `new webim.Msg(sess, isSend, seq, random, time, fromAccount, subType, fromAccountNick, fromAccountHeadurl)`. */
export class Msg {
  sess: Session;
  subType: number;
  fromAccount: string;
  fromAccountNick: string;
  fromAccountHeadurl: string;
  isSend: boolean;
  seq: number;
  random: number;
  time: number;
  elems: Elem[] = [];
  /** Parley: the message's stable ID (the same on every device). */
  uniqueId: string | undefined;

  static Elem: typeof Elem;

  constructor(sess: Session, isSend: boolean, seq: number, random: number, time: number, fromAccount: string, subType?: number, fromAccountNick?: string, fromAccountHeadurl?: string) {
    this.sess = sess;
    this.subType = typeof subType === 'number' && subType >= 0 ? subType : C2C_MSG_SUB_TYPE.COMMON;
    this.fromAccount = fromAccount;
    this.fromAccountNick = fromAccountNick ? fromAccountNick : fromAccount;
    this.fromAccountHeadurl = fromAccountHeadurl ?? '';
    this.isSend = Boolean(isSend);
    this.seq = seq >= 0 ? seq : (seqCounter = (seqCounter + 1) >>> 0);
    this.random = random >= 0 ? random : Math.round(Math.random() * 4294967296) >>> 0;
    this.time = time >= 0 ? time : Math.round(Date.now() / 1000);
  }

  getSession(): Session {
    return this.sess;
  }
  getType(): number {
    return this.subType;
  }
  getSubType(): number {
    return this.subType;
  }
  getFromAccount(): string {
    return this.fromAccount;
  }
  getFromAccountNick(): string {
    return this.fromAccountNick;
  }
  getFromAccountHeadurl(): string {
    return this.fromAccountHeadurl;
  }
  getIsSend(): boolean {
    return this.isSend;
  }
  getSeq(): number {
    return this.seq;
  }
  getTime(): number {
    return this.time;
  }
  getRandom(): number {
    return this.random;
  }
  getElems(): Elem[] {
    return this.elems;
  }
  /** webim 1.7.2 has no unique ID (undefined there); Parley returns the message's ID. */
  getMsgUniqueId(): string | undefined {
    return this.uniqueId;
  }
  addText(text: TextElem): void {
    this.addElem(new Elem(MSG_ELEMENT_TYPE.TEXT, text));
  }
  addFace(face: FaceElem): void {
    this.addElem(new Elem(MSG_ELEMENT_TYPE.FACE, face));
  }
  addImage(image: ImagesElem): void {
    this.addElem(new Elem(MSG_ELEMENT_TYPE.IMAGE, image));
  }
  addLocation(location: LocationElem): void {
    this.addElem(new Elem(MSG_ELEMENT_TYPE.LOCATION, location));
  }
  addFile(file: FileElem): void {
    this.addElem(new Elem(MSG_ELEMENT_TYPE.FILE, file));
  }
  addCustom(custom: CustomElem): void {
    this.addElem(new Elem(MSG_ELEMENT_TYPE.CUSTOM, custom));
  }
  addElem(elem: Elem): void {
    this.elems.push(elem);
  }
  toHtml(): string {
    return this.elems.map((e) => e.toHtml()).join('');
  }
}

interface HtmlContent {
  toHtml(): string;
}

/** `new webim.Msg.Elem(type, content)`. */
export class Elem {
  static Text: typeof TextElem;
  static Face: typeof FaceElem;
  static Location: typeof LocationElem;
  static Custom: typeof CustomElem;
  static Images: typeof ImagesElem;
  static Sound: typeof SoundElem;
  static File: typeof FileElem;

  constructor(
    public type: string,
    public content: HtmlContent,
  ) {}
  getType(): string {
    return this.type;
  }
  getContent(): HtmlContent {
    return this.content;
  }
  toHtml(): string {
    return this.content.toHtml();
  }
}

/** Text element. Like webim, the constructor HTML-escapes `<`, `>` and `"`. */
export class TextElem {
  text: string;
  constructor(text: unknown) {
    this.text = xssFilter(text);
  }
  getText(): string {
    return this.text;
  }
  toHtml(): string {
    return this.text;
  }
}

export class FaceElem {
  constructor(
    public index: number,
    public data: string,
  ) {}
  getIndex(): number {
    return this.index;
  }
  getData(): string {
    return this.data;
  }
  toHtml(): string {
    return this.data;
  }
}

export class LocationElem {
  constructor(
    public longitude: number,
    public latitude: number,
    public desc: string,
  ) {}
  getLatitude(): number {
    return this.latitude;
  }
  getLongitude(): number {
    return this.longitude;
  }
  getDesc(): string {
    return this.desc;
  }
  toHtml(): string {
    return `经度=${this.longitude},纬度=${this.latitude},描述=${this.desc}`;
  }
}

export class CustomElem {
  constructor(
    public data: string,
    public desc: string,
    public ext: string,
  ) {}
  getData(): string {
    return this.data;
  }
  getDesc(): string {
    return this.desc;
  }
  getExt(): string {
    return this.ext;
  }
  toHtml(): string {
    return this.data;
  }
}

export class ImageInfo {
  constructor(
    public type: number,
    public size: number,
    public width: number,
    public height: number,
    public url: string,
  ) {}
  getType(): number {
    return this.type;
  }
  getSize(): number {
    return this.size;
  }
  getWidth(): number {
    return this.width;
  }
  getHeight(): number {
    return this.height;
  }
  getUrl(): string {
    return this.url;
  }
}

export class ImagesElem {
  static Image = ImageInfo;
  ImageInfoArray: ImageInfo[] = [];
  constructor(
    public UUID: string,
    public ImageFormat?: number,
  ) {}
  addImage(image: ImageInfo): void {
    this.ImageInfoArray.push(image);
  }
  getImageId(): string {
    return this.UUID;
  }
  getImage(type: number): ImageInfo | null {
    return this.ImageInfoArray.find((i) => i.getType() === type) ?? null;
  }
  toHtml(): string {
    const small = this.getImage(IMAGE_TYPE.SMALL) ?? this.ImageInfoArray[0];
    return small ? `<img src='${small.getUrl()}'/>` : '';
  }
}

/** Sound element. Parley has no file service: the element carries what the sender put in it. */
export class SoundElem {
  constructor(
    public uuid: string,
    public second: number,
    public size: number,
    public senderId?: string,
    public receiverId?: string,
    public downFlag?: number,
    public chatType?: string,
    public downUrl?: string,
  ) {}
  getUUID(): string {
    return this.uuid;
  }
  getSecond(): number {
    return this.second;
  }
  getSize(): number {
    return this.size;
  }
  getDownUrl(): string {
    return this.downUrl ?? '';
  }
  toHtml(): string {
    return '[语音]';
  }
}

/** File element (see SoundElem). */
export class FileElem {
  constructor(
    public uuid: string,
    public name: string,
    public size: number,
    public senderId?: string,
    public receiverId?: string,
    public downFlag?: number,
    public chatType?: string,
    public downUrl?: string,
  ) {}
  getUUID(): string {
    return this.uuid;
  }
  getName(): string {
    return this.name;
  }
  getSize(): number {
    return this.size;
  }
  getDownUrl(): string {
    return this.downUrl ?? '';
  }
  toHtml(): string {
    return `[文件]${this.name}`;
  }
}

Msg.Elem = Elem;
Elem.Text = TextElem;
Elem.Face = FaceElem;
Elem.Location = LocationElem;
Elem.Custom = CustomElem;
Elem.Images = ImagesElem;
Elem.Sound = SoundElem;
Elem.File = FileElem;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v) || 0);

/** Wire MsgBody element from a webim element (the shapes webim 1.7 sends). */
export function elemToWire(e: Elem): MsgElem {
  const c = e.content as unknown as Record<string, unknown>;
  switch (e.type) {
    case MSG_ELEMENT_TYPE.TEXT:
      return { MsgType: e.type, MsgContent: { Text: str(c['text']) } };
    case MSG_ELEMENT_TYPE.FACE:
      return { MsgType: e.type, MsgContent: { Index: num(c['index']), Data: str(c['data']) } };
    case MSG_ELEMENT_TYPE.LOCATION:
      return { MsgType: e.type, MsgContent: { Desc: str(c['desc']), Latitude: num(c['latitude']), Longitude: num(c['longitude']) } };
    case MSG_ELEMENT_TYPE.CUSTOM:
      return { MsgType: e.type, MsgContent: { Data: str(c['data']), Desc: str(c['desc']), Ext: str(c['ext']) } };
    case MSG_ELEMENT_TYPE.IMAGE: {
      const img = e.content as ImagesElem;
      return {
        MsgType: e.type,
        MsgContent: {
          UUID: img.UUID,
          ImageFormat: img.ImageFormat ?? 255,
          ImageInfoArray: img.ImageInfoArray.map((i) => ({ Type: i.type, Size: i.size, Width: i.width, Height: i.height, URL: i.url })),
        },
      };
    }
    case MSG_ELEMENT_TYPE.SOUND: {
      const s = e.content as SoundElem;
      return { MsgType: e.type, MsgContent: { UUID: s.uuid, Second: s.second, Size: s.size, Url: s.downUrl ?? '', Download_Flag: 2 } };
    }
    case MSG_ELEMENT_TYPE.FILE: {
      const f = e.content as FileElem;
      return { MsgType: e.type, MsgContent: { UUID: f.uuid, FileName: f.name, FileSize: f.size, Url: f.downUrl ?? '', Download_Flag: 2 } };
    }
    default:
      return { MsgType: e.type, MsgContent: { ...c } };
  }
}

/**
 * webim elements from a wire MsgBody; undefined when webim would drop the whole message
 * (a custom "typing" notice, `userAction == 14`).
 */
export function elemsFromWire(body: MsgElem[]): Elem[] | undefined {
  const out: Elem[] = [];
  for (const w of body) {
    const c = w.MsgContent ?? {};
    switch (w.MsgType) {
      case MSG_ELEMENT_TYPE.TEXT:
        out.push(new Elem(w.MsgType, new TextElem(str(c['Text']))));
        break;
      case MSG_ELEMENT_TYPE.FACE:
        out.push(new Elem(w.MsgType, new FaceElem(num(c['Index']), str(c['Data']))));
        break;
      case MSG_ELEMENT_TYPE.LOCATION:
        out.push(new Elem(w.MsgType, new LocationElem(num(c['Longitude']), num(c['Latitude']), str(c['Desc']))));
        break;
      case MSG_ELEMENT_TYPE.CUSTOM: {
        const data = str(c['Data']);
        try {
          if ((JSON.parse(data) as { userAction?: unknown })?.userAction == 14) return undefined;
        } catch {
          // Not JSON: an ordinary custom message.
        }
        out.push(new Elem(w.MsgType, new CustomElem(data, str(c['Desc']), str(c['Ext']))));
        break;
      }
      case MSG_ELEMENT_TYPE.IMAGE: {
        const img = new ImagesElem(str(c['UUID']), num(c['ImageFormat']));
        const infos = Array.isArray(c['ImageInfoArray']) ? (c['ImageInfoArray'] as Record<string, unknown>[]) : [];
        for (const i of infos) img.addImage(new ImageInfo(num(i['Type']), num(i['Size']), num(i['Width']), num(i['Height']), str(i['URL'])));
        out.push(new Elem(w.MsgType, img));
        break;
      }
      case MSG_ELEMENT_TYPE.SOUND:
        out.push(new Elem(w.MsgType, new SoundElem(str(c['UUID']), num(c['Second']), num(c['Size']), undefined, undefined, 2, SESSION_TYPE.C2C, str(c['Url']))));
        break;
      case MSG_ELEMENT_TYPE.FILE:
      case 'TIMFileElem ':
        out.push(new Elem(MSG_ELEMENT_TYPE.FILE, new FileElem(str(c['UUID']), str(c['FileName']), num(c['FileSize']), undefined, undefined, 2, SESSION_TYPE.C2C, str(c['Url']))));
        break;
      default:
        out.push(new Elem(MSG_ELEMENT_TYPE.TEXT, new TextElem(`web端暂不支持${w.MsgType}消息`)));
    }
  }
  return out;
}
