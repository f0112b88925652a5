/** Random identifiers. Uses Web Crypto when the platform has it (browsers, Node ≥ 19, mini programs with polyfills). */
export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint8Array): Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(buf);
  else for (let i = 0; i < bytes; i++) buf[i] = Math.floor(Math.random() * 256);
  let s = '';
  for (const b of buf) s += b.toString(16).padStart(2, '0');
  return s;
}

/** A uint32 for MsgRandom. */
export function randomUint32(): number {
  return parseInt(randomHex(4), 16) >>> 0;
}
