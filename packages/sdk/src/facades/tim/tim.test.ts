import { describe, expect, it } from 'vitest';
import { webSocketBase } from './tim.ts';

describe('webSocketBase', () => {
  it('maps http(s) server URLs to ws(s) and accepts proxyServer as given', () => {
    expect(webSocketBase({ server: 'http://127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080');
    expect(webSocketBase({ server: 'https://im.example.com/parley/' })).toBe('wss://im.example.com/parley');
    expect(webSocketBase({ proxyServer: 'ws://127.0.0.1:9000' })).toBe('ws://127.0.0.1:9000');
    expect(webSocketBase({ proxyServer: 'wss://x.example/info' })).toBe('wss://x.example');
    expect(() => webSocketBase({ server: 'ftp://x' })).toThrow(TypeError);
  });
});
