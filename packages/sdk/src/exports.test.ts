import { describe, expect, it } from 'vitest';
import * as browser from './index.ts';
import * as node from './node.ts';

describe('public surface', () => {
  it('exports the same names from both entry points, apart from the transport', () => {
    expect(Object.keys(browser).sort()).toEqual(['EVENT', 'Platform', 'SdkError', 'TIM', 'TYPES', 'TimClient', 'browserWebSocket', 'default', 'fetchLongPoll', 'webSocketWith', 'withFallback']);
    expect(Object.keys(node).sort()).toEqual(['EVENT', 'Platform', 'SdkError', 'TIM', 'TYPES', 'TimClient', 'default', 'fetchLongPoll', 'nodeWebSocket', 'withFallback']);
  });

  it('creates a new instance per call and derives the WebSocket URL from the server URL', () => {
    const a = node.TIM.create({ SDKAppID: 1400000001, server: 'http://127.0.0.1:8080' });
    const b = node.TIM.create({ SDKAppID: 1400000001, server: 'http://127.0.0.1:8080' });
    expect(a).not.toBe(b);
    expect(node.default).toBe(node.TIM);
    expect(node.TIM.EVENT.MESSAGE_RECEIVED).toBe('onMessageReceived');
    expect(node.TIM.TYPES.CONV_C2C).toBe('C2C');
    expect(() => node.TIM.create({ SDKAppID: 1 })).toThrow(TypeError);
  });
});
