/**
 * The subset of WeChat's mini-program API (`wx`) the WeChat transports use. The app passes
 * its `wx` in (the miniprogram entry point picks up the host's), so tests can bridge it.
 */
export interface WxSocketTask {
  onOpen(cb: (res?: unknown) => void): void;
  onMessage(cb: (res: { data: string | ArrayBuffer }) => void): void;
  onError(cb: (res?: { errMsg?: string }) => void): void;
  onClose(cb: (res?: { code?: number; reason?: string }) => void): void;
  send(opts: { data: string; success?: () => void; fail?: (res?: { errMsg?: string }) => void }): void;
  close(opts?: { code?: number; reason?: string; success?: () => void; fail?: () => void }): void;
}

export interface WxRequestTask {
  abort(): void;
}

export interface WxLike {
  connectSocket(opts: { url: string; header?: Record<string, string>; tcpNoDelay?: boolean; fail?: (res?: { errMsg?: string }) => void }): WxSocketTask;
  request(opts: {
    url: string;
    method: 'POST';
    data: string;
    header: Record<string, string>;
    dataType: string;
    responseType: 'text';
    timeout: number;
    success(res: { statusCode: number; data: unknown }): void;
    fail(res?: { errMsg?: string }): void;
  }): WxRequestTask | undefined;
  onAppShow?(cb: () => void): void;
  onAppHide?(cb: () => void): void;
}

/** UTF-8 decoding without TextDecoder, which older mini-program base libraries lack. */
export function utf8Decode(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  if (typeof TextDecoder === 'function') return new TextDecoder().decode(bytes);
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i++]!;
    let cp: number;
    if (b < 0x80) cp = b;
    else if (b < 0xe0) cp = ((b & 0x1f) << 6) | (bytes[i++]! & 0x3f);
    else if (b < 0xf0) cp = ((b & 0x0f) << 12) | ((bytes[i++]! & 0x3f) << 6) | (bytes[i++]! & 0x3f);
    else cp = ((b & 0x07) << 18) | ((bytes[i++]! & 0x3f) << 12) | ((bytes[i++]! & 0x3f) << 6) | (bytes[i++]! & 0x3f);
    out += String.fromCodePoint(cp);
  }
  return out;
}
