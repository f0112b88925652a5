/**
 * Webhooks against a real HTTP receiver: Tencent's query and body fields, a valid
 * X-Parley-Signature on every call, the before-send verdicts (allow, rewrite, reject,
 * custom code, silent drop), the timeout with fail-open and fail-closed, and after-events
 * that survive a restart of Parley while the receiver is down.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyBodySignature } from '../../src/webhooks/signer.ts';
import { loginRaw, pushedMsgs, rest, text } from '../support/admin-rest.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { WebhookReceiver, type ReceivedCall } from '../support/webhook-receiver.ts';

let t: TestServer;
let hook: WebhookReceiver;
let rnd = 1;

beforeAll(async () => {
  hook = await new WebhookReceiver().start();
  t = await startTestServer({ config: { webhookRetryBaseMs: 100, webhookRetryMaxMs: 400 } });
});
afterAll(async () => {
  await t?.close();
  await hook?.stop();
});
afterEach(() => {
  hook.respond = () => undefined;
});

async function setCallback(over: Record<string, unknown> = {}): Promise<void> {
  const r = await rest(t, 'parley_admin/set_callback', { Url: hook.url, ...over });
  expect(r).toMatchObject({ ActionStatus: 'OK' });
}

function expectSigned(call: ReceivedCall): void {
  expect(verifyBodySignature(t.secretKey, call.raw, call.headers['x-parley-signature'] as string)).toBe(true);
  expect(call.query).toMatchObject({ SdkAppid: String(t.sdkAppId), contenttype: 'json' });
  expect(call.body.CallbackCommand).toBe(call.query.CallbackCommand);
}

const sendWs = (c: Awaited<ReturnType<typeof loginRaw>>, to: string, s: string) =>
  c.request('openim.sendmsg', { To_Account: to, MsgRandom: rnd++, MsgSeq: rnd, MsgBody: text(s) });

describe('webhooks', () => {
  it('sends every event with Tencent\'s fields and a signature the receiver can verify', async () => {
    await setCallback();
    expect(await rest(t, 'parley_admin/get_callback', {})).toMatchObject({ Callback: { Url: hook.url, TimeoutMs: 2000, FailClosed: 0 } });
    await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['wh-a', 'wh-b'] });
    const a = await loginRaw(t, 'wh-a', 7);
    const sent = await sendWs(a, 'wh-b', 'hello');
    expect(sent.body.ErrorCode).toBe(0);
    const viaRest = await rest(t, 'openim/sendmsg', { From_Account: 'wh-b', To_Account: 'wh-a', MsgRandom: 99, MsgBody: text('back') });
    await rest(t, 'openim/admin_msgwithdraw', { From_Account: 'wh-b', To_Account: 'wh-a', MsgKey: viaRest.MsgKey });
    await a.request('im_open_status.wslogout', {});
    await hook.waitFor(() => hook.named('State.StateChange').length >= 2 && hook.named('C2C.CallbackAfterSendMsg').length >= 2 && hook.named('C2C.CallbackAfterMsgWithDraw').length >= 1);
    for (const c of hook.calls) expectSigned(c);

    const [before] = hook.named('C2C.CallbackBeforeSendMsg');
    expect(before!.query).toMatchObject({ OptPlatform: 'Web' });
    expect(before!.body).toMatchObject({ From_Account: 'wh-a', To_Account: 'wh-b', MsgRandom: rnd - 1, MsgBody: text('hello'), OnlineOnlyFlag: 0 });
    const afters = hook.named('C2C.CallbackAfterSendMsg');
    expect(afters[0]!.body).toMatchObject({ From_Account: 'wh-a', To_Account: 'wh-b', MsgKey: sent.body.MsgKey, MsgTime: sent.body.MsgTime, SendMsgResult: 0, ErrorInfo: 'send msg succeed', UnreadMsgNum: 1 });
    expect(afters[1]!.query.OptPlatform).toBe('RESTAPI');
    expect(afters[1]!.body).toMatchObject({ From_Account: 'wh-b', To_Account: 'wh-a', MsgKey: viaRest.MsgKey });
    expect(afters[0]!.headers['x-parley-delivery']).toMatch(/^\d+$/);
    expect(hook.named('C2C.CallbackAfterMsgWithDraw')[0]!.body).toMatchObject({ From_Account: 'wh-b', To_Account: 'wh-a', MsgKey: viaRest.MsgKey });
    // A recalled message no longer counts as unread for its recipient.
    expect(hook.named('C2C.CallbackAfterMsgWithDraw')[0]!.body.UnreadMsgNum).toBe(0);
    const states = hook.named('State.StateChange').map((c) => c.body.Info);
    expect(states).toEqual([
      { Action: 'Login', To_Account: 'wh-a', Reason: 'Register' },
      { Action: 'Logout', To_Account: 'wh-a', Reason: 'Unregister' },
    ]);
    expect(hook.named('State.StateChange')[0]!.body.EventTime).toBeGreaterThan(1e12);
    a.close();
  });

  it('reports a dropped connection as Disconnect/LinkClose', async () => {
    await setCallback({ Events: ['State.StateChange'] });
    const c = await loginRaw(t, 'wh-d', 3);
    const n = hook.calls.length;
    c.close();
    await hook.waitFor((calls) => calls.slice(n).some((x) => (x.body.Info as { Action: string }).Action === 'Disconnect'));
    const last = hook.calls.at(-1)!;
    expect(last.body.Info).toEqual({ Action: 'Disconnect', To_Account: 'wh-d', Reason: 'LinkClose' });
    expect(last.query.OptPlatform).toBe('IOS');
  });

  it('names the devices a login pushed out in KickedDevice', async () => {
    await setCallback({ Events: ['State.StateChange'] });
    const n = hook.calls.length;
    const first = await loginRaw(t, 'kd-a', 3);
    const second = await loginRaw(t, 'kd-a', 3);
    await first.waitClosed(3000);
    await hook.waitFor((calls) => calls.slice(n).filter((x) => (x.body.Info as { Action: string }).Action === 'Login').length === 2);
    const logins = hook.calls.slice(n).filter((x) => (x.body.Info as { Action: string }).Action === 'Login');
    expect(logins.map((x) => x.body.KickedDevice)).toEqual([[], [{ Platform: 'IOS' }]]);
    // Tencent sends nothing for the instance that was pushed out.
    expect(hook.calls.slice(n).map((x) => (x.body.Info as { Action: string }).Action)).toEqual(['Login', 'Login']);
    second.close();
  });

  it('a rejecting before-send callback blocks the message (20006); a custom code and ErrorInfo pass through', async () => {
    await setCallback({ Events: ['C2C.CallbackBeforeSendMsg'] });
    await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['bs-a', 'bs-b'] });
    const a = await loginRaw(t, 'bs-a');
    const b = await loginRaw(t, 'bs-b');
    hook.respond = () => ({ body: { ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: '' } });
    expect((await sendWs(a, 'bs-b', 'spam')).body.ErrorCode).toBe(20006);
    hook.respond = () => ({ body: { ActionStatus: 'OK', ErrorCode: 120123, ErrorInfo: 'you are muted' } });
    expect((await sendWs(a, 'bs-b', 'spam')).body).toMatchObject({ ErrorCode: 120123, ErrorInfo: 'you are muted' });
    expect(await rest(t, 'openim/sendmsg', { From_Account: 'bs-a', To_Account: 'bs-b', MsgRandom: 5, MsgBody: text('spam') })).toMatchObject({ ErrorCode: 120123 });
    // ForbidCallbackControl skips the callback.
    expect(await rest(t, 'openim/sendmsg', { From_Account: 'bs-a', To_Account: 'bs-b', MsgRandom: 6, MsgBody: text('ok'), ForbidCallbackControl: ['ForbidBeforeSendMsgCallback'] })).toMatchObject({ ErrorCode: 0 });
    await b.waitFor(() => pushedMsgs(b).length === 1);
    expect(pushedMsgs(b)).toHaveLength(1);
    a.close();
    b.close();
  });

  it('a before-send callback may rewrite the content or drop the message silently', async () => {
    await setCallback({ Events: ['C2C.CallbackBeforeSendMsg'] });
    await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['rw-a', 'rw-b'] });
    const a = await loginRaw(t, 'rw-a');
    const b = await loginRaw(t, 'rw-b');
    hook.respond = () => ({ body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgBody: text('***'), CloudCustomData: 'filtered' } });
    expect((await sendWs(a, 'rw-b', 'bad word')).body.ErrorCode).toBe(0);
    await b.waitFor(() => pushedMsgs(b).length === 1);
    expect(pushedMsgs(b)[0]).toMatchObject({ MsgBody: text('***'), CloudCustomData: 'filtered' });
    hook.respond = () => ({ body: { ActionStatus: 'OK', ErrorCode: 2, ErrorInfo: '' } });
    expect((await sendWs(a, 'rw-b', 'shadow')).body.ErrorCode).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(pushedMsgs(b)).toHaveLength(1);
    const hist = await rest(t, 'openim/admin_getroammsg', { From_Account: 'rw-a', To_Account: 'rw-b', MaxCnt: 10, MinTime: 0, MaxTime: 2 ** 31 });
    expect(hist.MsgCnt).toBe(1);
    a.close();
    b.close();
  });

  it('a slow before-send callback times out as configured: fail-open delivers, fail-closed refuses', async () => {
    await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['sl-a', 'sl-b'] });
    const a = await loginRaw(t, 'sl-a');
    hook.respond = () => ({ delayMs: 1500 });
    await setCallback({ Events: ['C2C.CallbackBeforeSendMsg'], TimeoutMs: 300 });
    let started = performance.now();
    expect((await sendWs(a, 'sl-b', 'open')).body.ErrorCode).toBe(0);
    const openMs = performance.now() - started;
    await setCallback({ Events: ['C2C.CallbackBeforeSendMsg'], TimeoutMs: 300, FailClosed: 1 });
    started = performance.now();
    expect((await sendWs(a, 'sl-b', 'closed')).body.ErrorCode).toBe(20006);
    const closedMs = performance.now() - started;
    for (const ms of [openMs, closedMs]) {
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(1200);
    }
    console.log(`before-send timeout 300 ms: fail-open answered in ${openMs.toFixed(0)} ms, fail-closed in ${closedMs.toFixed(0)} ms`);
    a.close();
  });

  it('keeps one sender\'s messages in order while its before-send callbacks vary in speed', async () => {
    await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['or-a', 'or-b'] });
    await setCallback({ Events: ['C2C.CallbackBeforeSendMsg'] });
    const b = await loginRaw(t, 'or-b');
    const a = await loginRaw(t, 'or-a');
    hook.respond = (c) => ({ delayMs: (c.body.MsgBody as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text === 'first' ? 300 : 0 });
    await Promise.all([sendWs(a, 'or-b', 'first'), sendWs(a, 'or-b', 'second')]);
    await b.waitFor(() => pushedMsgs(b).length === 2);
    expect(pushedMsgs(b).map((m) => (m.MsgBody as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)).toEqual(['first', 'second']);
    a.close();
    b.close();
  });

  it('a send that finds the callback turned off still waits for the sender\'s earlier send in its callback', async () => {
    await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['off-a', 'off-b', 'off-c'] });
    await setCallback({ Events: ['C2C.CallbackBeforeSendMsg'] });
    const b = await loginRaw(t, 'off-b');
    const a = await loginRaw(t, 'off-a');
    const c = await loginRaw(t, 'off-c');
    hook.respond = () => ({ delayMs: 400 });
    const first = sendWs(a, 'off-b', 'first');
    await hook.waitFor(() => hook.named('C2C.CallbackBeforeSendMsg').some((x) => x.body.From_Account === 'off-a'));
    // Turn the callback off; another sender's message shows when this node knows it is off.
    await setCallback({ Url: '' });
    const calls = hook.calls.length;
    expect((await sendWs(c, 'off-b', 'other')).body.ErrorCode).toBe(0);
    expect((await sendWs(c, 'off-b', 'other again')).body.ErrorCode).toBe(0);
    const second = await sendWs(a, 'off-b', 'second');
    expect(second.body.ErrorCode).toBe(0);
    expect((await first).body.ErrorCode).toBe(0);
    await b.waitFor(() => pushedMsgs(b).length === 4);
    const fromA = pushedMsgs(b).filter((m) => m.From_Account === 'off-a');
    expect(fromA.map((m) => (m.MsgBody as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)).toEqual(['first', 'second']);
    expect(hook.calls.length).toBe(calls);
    a.close();
    b.close();
    c.close();
  });

  it('after-events survive a restart of Parley while the receiver is down', async () => {
    const down = await new WebhookReceiver().start();
    const port = down.port;
    await down.stop();
    const r = await rest(t, 'parley_admin/set_callback', { Url: `http://127.0.0.1:${port}/cb`, Events: ['C2C.CallbackAfterSendMsg'] });
    expect(r.ActionStatus).toBe('OK');
    await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['rs-a', 'rs-b'] });
    for (let i = 0; i < 3; i++) await rest(t, 'openim/sendmsg', { From_Account: 'rs-a', To_Account: 'rs-b', MsgRandom: 700 + i, MsgBody: text(`durable ${i}`) });
    // Let a few deliveries fail first.
    await new Promise((res) => setTimeout(res, 400));
    expect(await t.server.core.store.countWebhooks(t.sdkAppId)).toBe(3);
    await t.restart();
    const back = await new WebhookReceiver().start(port);
    try {
      await back.waitFor((calls) => calls.length >= 3);
      const texts = back.calls.map((c) => (c.body.MsgBody as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text).sort();
      expect(texts).toEqual(['durable 0', 'durable 1', 'durable 2']);
      for (const c of back.calls) expect(verifyBodySignature(t.secretKey, c.raw, c.headers['x-parley-signature'] as string)).toBe(true);
      await new Promise((res) => setTimeout(res, 200));
      expect(await t.server.core.store.countWebhooks(t.sdkAppId)).toBe(0);
    } finally {
      await back.stop();
    }
  });
});
