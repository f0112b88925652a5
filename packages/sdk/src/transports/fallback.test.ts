import { describe, expect, it } from 'vitest';
import { withFallback } from './fallback.ts';
import type { Transport, TransportFactory, TransportHandlers } from './transport.ts';

/** A transport that opens (and answers one frame) or fails, as scripted. */
function scripted(kind: Transport['kind'], behaviour: 'open' | 'fail' | 'hang', log: string[]): TransportFactory {
  return () => {
    let on: TransportHandlers | undefined;
    return {
      kind,
      open(_url, handlers) {
        on = handlers;
        log.push(`${kind}:open`);
        if (behaviour === 'open') setTimeout(() => handlers.open(), 0);
        if (behaviour === 'fail') setTimeout(() => handlers.close(1006, 'refused'), 0);
      },
      send(frame) {
        setTimeout(() => on?.frame(`${kind}:${frame}`), 0);
      },
      close() {
        log.push(`${kind}:close`);
      },
    };
  };
}

function attempt(factory: TransportFactory): Promise<{ t: Transport; events: string[] }> {
  const t = factory();
  const events: string[] = [];
  return new Promise((resolve) => {
    t.open('ws://x/info', {
      open: () => {
        events.push('open');
        t.send('login');
      },
      frame: (f) => {
        events.push(f);
        resolve({ t, events });
      },
      error: () => {},
      close: (code) => {
        events.push(`close ${code}`);
        resolve({ t, events });
      },
    });
  });
}

describe('withFallback', () => {
  it('uses WebSocket when it opens', async () => {
    const log: string[] = [];
    const f = withFallback(scripted('websocket', 'open', log), scripted('long-poll', 'open', log));
    const r = await attempt(f);
    expect(r.events).toEqual(['open', 'websocket:login']);
    expect(r.t.kind).toBe('websocket');
  });

  it('opens long-poll in the same attempt when WebSocket is refused, and keeps using it once it answered', async () => {
    const log: string[] = [];
    const f = withFallback(scripted('websocket', 'fail', log), scripted('long-poll', 'open', log));
    const r = await attempt(f);
    expect(r.events).toEqual(['open', 'long-poll:login']);
    expect(r.t.kind).toBe('long-poll');
    log.length = 0;
    await attempt(f);
    expect(log).toEqual(['long-poll:open']);
  });

  it('falls back when WebSocket does not open in time', async () => {
    const log: string[] = [];
    const f = withFallback(scripted('websocket', 'hang', log), scripted('long-poll', 'open', log), { openTimeoutMs: 20 });
    const r = await attempt(f);
    expect(r.events).toEqual(['open', 'long-poll:login']);
    expect(log).toContain('websocket:close');
  });

  it('ends the attempt with one close when both fail, and tries WebSocket again next time', async () => {
    const log: string[] = [];
    const f = withFallback(scripted('websocket', 'fail', log), scripted('long-poll', 'fail', log));
    expect((await attempt(f)).events).toEqual(['close 1006']);
    log.length = 0;
    await attempt(f);
    expect(log[0]).toBe('websocket:open');
  });

  it('forces one transport with mode', async () => {
    const log: string[] = [];
    const f = withFallback(scripted('websocket', 'open', log), scripted('long-poll', 'open', log), { mode: 'long-poll' });
    expect((await attempt(f)).t.kind).toBe('long-poll');
  });
});
