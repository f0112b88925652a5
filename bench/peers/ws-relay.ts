/**
 * The floor under Parley's figures: a WebSocket relay on the same `ws` and Node that speaks
 * just enough of Tencent's JSON frames for workloads A, B and D, with no logic and no
 * storage. A login is accepted without checking its UserSig, a message is forwarded to the
 * recipient's socket if it is online (else dropped) and acknowledged at once, nothing is
 * written anywhere. What Parley costs beyond it is its own work: UserSig and A2, validation,
 * the durable commit, streams and cursors.
 *
 *   node --import tsx bench/peers/ws-relay.ts [port]    prints "relay listening on <port>"
 */
import { WebSocketServer, type WebSocket } from 'ws';

interface Frame {
  head: { servcmd: string; seq: number; identifier?: string };
  body: { To_Account?: unknown; MsgBody?: unknown; MsgRandom?: unknown; MsgSeq?: unknown };
}

const online = new Map<string, WebSocket>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0), perMessageDeflate: false });

const reply = (ws: WebSocket, head: Frame['head'], body: Record<string, unknown>) =>
  ws.send(JSON.stringify({ head: { servcmd: head.servcmd, seq: head.seq }, body: { ErrorCode: 0, ErrorInfo: '', ...body } }));

wss.on('connection', (ws) => {
  let me: string | undefined;
  ws.on('error', () => {});
  ws.on('close', () => {
    if (me !== undefined && online.get(me) === ws) online.delete(me);
  });
  ws.on('message', (data) => {
    let f: Frame;
    try {
      f = JSON.parse(String(data)) as Frame;
    } catch {
      return ws.close(1007);
    }
    switch (f.head.servcmd) {
      case 'im_open_status.wslogin':
        me = String(f.head.identifier);
        online.set(me, ws);
        return reply(ws, f.head, { TinyId: '0', A2Key: '', InstId: '0' });
      case 'openim.sendmsg': {
        const to = online.get(String(f.body.To_Account));
        const time = Math.floor(Date.now() / 1000);
        to?.send(
          JSON.stringify({
            head: { servcmd: 'im_open_push.msg_push', seq: 0 },
            body: { EventArray: [{ Event: 9, C2cMsgArray: [{ From_Account: me, To_Account: f.body.To_Account, MsgBody: f.body.MsgBody, MsgRandom: f.body.MsgRandom, MsgSeq: f.body.MsgSeq, MsgTimeStamp: time }] }] },
          }),
        );
        return reply(ws, f.head, { MsgTime: time, MsgSeq: f.body.MsgSeq });
      }
      case 'openim.getmsg':
        return reply(ws, f.head, { MsgList: [], Cookie: '', SyncFlag: 2 });
      default:
        return reply(ws, f.head, {});
    }
  });
});

wss.on('listening', () => {
  const addr = wss.address();
  process.stdout.write(`relay listening on ${typeof addr === 'object' && addr ? addr.port : String(addr)}\n`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
