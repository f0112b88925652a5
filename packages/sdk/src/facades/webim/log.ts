/** `webim.Log` and `webim.Tool`, as in webim 1.7.x. */
import { ACTION_STATUS } from './constants.ts';

export interface ConsoleLike {
  error(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  info?(...a: unknown[]): void;
  debug?(...a: unknown[]): void;
  log(...a: unknown[]): void;
}

/** `webim.Log`: console output that `options.isLogOn: false` (or `setOn(false)`) silences. */
export class WebimLog {
  private _on = true;
  constructor(private readonly out: ConsoleLike | undefined) {}
  setOn(on: boolean): void {
    this._on = Boolean(on);
  }
  getOn(): boolean {
    return this._on;
  }
  error(s: unknown): void {
    if (this._on) this.out?.error(s);
  }
  warn(s: unknown): void {
    if (this._on) this.out?.warn(s);
  }
  info(s: unknown): void {
    if (this._on) (this.out?.info ?? this.out?.log)?.call(this.out, s);
  }
  debug(s: unknown): void {
    if (this._on) (this.out?.debug ?? this.out?.log)?.call(this.out, s);
  }
}

/** The v1 error shape every callback-style API reports. */
export interface V1Error {
  ActionStatus: 'FAIL';
  ErrorCode: number;
  ErrorInfo: string;
  SrcErrorInfo?: string;
}

/** webim's `Tool.getReturnError(info, code)`. */
export function getReturnError(errorInfo: string, errorCode?: number): V1Error {
  const code = errorCode ?? -100;
  return { ActionStatus: ACTION_STATUS.FAIL, ErrorCode: code, ErrorInfo: `${errorInfo}[${code}]` };
}

/** Escapes `<`, `>` and `"` as webim does for every text element (sent and received). */
export function xssFilter(val: unknown): string {
  return String(val).replace(/[<]/g, '&lt;').replace(/[>]/g, '&gt;').replace(/"/g, '&quot;');
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export const Tool = {
  /** Unix seconds → text, `yyyy-MM-dd hh:mm:ss` by default (local time). */
  formatTimeStamp(ts: number, fmt = 'yyyy-MM-dd hh:mm:ss'): string {
    const d = new Date(ts * 1000);
    return fmt
      .replace('yyyy', String(d.getFullYear()))
      .replace('MM', pad(d.getMonth() + 1))
      .replace('dd', pad(d.getDate()))
      .replace('hh', pad(d.getHours()))
      .replace('mm', pad(d.getMinutes()))
      .replace('ss', pad(d.getSeconds()));
  },
  /** UTF-8 byte length. */
  getStrBytes(str: unknown): number {
    if (str === null || str === undefined) return 0;
    const s = String(str);
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  },
  xssFilter,
  trimStr(str: unknown): string {
    return str ? String(str).replace(/(^\s*)|(\s*$)/g, '') : '';
  },
  /** 1 to 8 digits. */
  validNumber(str: unknown): boolean {
    return /^[0-9]{1,8}$/.test(String(str));
  },
  getReturnError,
  formatText2Html(text: string): string {
    return xssFilter(text).replace(/\n/g, '<br/>').replace(/ /g, '&nbsp;');
  },
  formatHtml2Text(html: string): string {
    return String(html)
      .replace(/<br\/?>/g, '\n')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"');
  },
};
