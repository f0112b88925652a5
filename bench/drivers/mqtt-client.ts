/**
 * A minimal MQTT 3.1.1 client over net.Socket: CONNECT, SUBSCRIBE to the user's own topic,
 * PUBLISH at QoS 1 to the partner's topic and answer the broker's QoS 1 deliveries with
 * PUBACK. Hand-rolled rather than mqtt.js so the generator spends as little CPU per message
 * on MQTT as on Parley's JSON frames.
 */
import { connect, type Socket } from 'node:net';
import type { BenchClient, ConnectOptions, Endpoint } from './driver.ts';

const CONNECT = 0x10;
const CONNACK = 0x20;
const PUBLISH = 0x30;
const PUBACK = 0x40;
const SUBSCRIBE = 0x82;
const SUBACK = 0x90;
const PINGRESP = 0xd0;
const DISCONNECT = 0xe0;

function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

function packet(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), remainingLength(body.length), body]);
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

function u16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n, 0);
  return b;
}

export async function connectMqtt(ep: Extract<Endpoint, { kind: 'mqtt' }>, user: string, opts: ConnectOptions = {}): Promise<BenchClient> {
  const socket = connect({ host: ep.host, port: ep.port, localAddress: opts.localAddress });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const client = new MqttClient(socket, user, `${ep.topicPrefix}${user}`, ep.topicPrefix);
  if (opts.onMessage) client.onMessage = opts.onMessage;
  await client.start(!opts.persistent);
  return client;
}

class MqttClient implements BenchClient {
  onMessage: (text: string) => void = () => {};
  private buf: Buffer = Buffer.alloc(0);
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private waitConnack: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private closed: Error | undefined;

  constructor(
    private readonly socket: Socket,
    readonly user: string,
    private readonly topic: string,
    private readonly prefix: string,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = new Error(`${user}: MQTT connection closed`);
      this.waitConnack?.reject(this.closed);
      for (const p of this.pending.values()) p.reject(this.closed);
      this.pending.clear();
    });
  }

  async start(cleanSession: boolean): Promise<void> {
    // Keep-alive 0: the broker never times the benchmark's idle connections out (workload D).
    const body = Buffer.concat([str('MQTT'), Buffer.from([4, cleanSession ? 0x02 : 0x00]), u16(0), str(this.user)]);
    const connack = new Promise<void>((resolve, reject) => (this.waitConnack = { resolve, reject }));
    this.socket.write(packet(CONNECT, body));
    await connack;
    const id = this.packetId();
    const subscribed = this.expectAck(id);
    this.socket.write(packet(SUBSCRIBE, Buffer.concat([u16(id), str(this.topic), Buffer.from([1])])));
    await subscribed;
  }

  private packetId(): number {
    this.nextId = (this.nextId % 65535) + 1;
    return this.nextId;
  }

  private expectAck(id: number): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let off = 0;
    while (this.buf.length - off >= 2) {
      let len = 0;
      let mul = 1;
      let i = off + 1;
      let complete = false;
      while (i < this.buf.length) {
        const b = this.buf[i++]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || this.buf.length - i < len) break;
      this.onPacket(this.buf[off]!, this.buf.subarray(i, i + len));
      off = i + len;
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
  }

  private onPacket(first: number, body: Buffer): void {
    const type = first & 0xf0;
    if (type === PUBLISH) {
      const qos = (first >> 1) & 3;
      const tlen = body.readUInt16BE(0);
      let off = 2 + tlen;
      if (qos > 0) {
        const id = body.readUInt16BE(off);
        off += 2;
        this.socket.write(Buffer.from([PUBACK, 2, id >> 8, id & 0xff]));
      }
      this.onMessage(body.toString('utf8', off));
    } else if (type === PUBACK || type === SUBACK) {
      const id = body.readUInt16BE(0);
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (type === SUBACK && body[2] === 0x80) p.reject(new Error(`${this.user}: subscription refused`));
      else p.resolve();
    } else if (type === CONNACK) {
      const rc = body[1];
      if (rc === 0) this.waitConnack?.resolve();
      else this.waitConnack?.reject(new Error(`${this.user}: CONNACK return code ${rc}`));
      this.waitConnack = undefined;
    } else if (type !== PINGRESP) {
      // Nothing else is expected from a broker on this session.
    }
  }

  send(to: string, text: string): Promise<void> {
    const id = this.packetId();
    const acked = this.expectAck(id);
    const payload = Buffer.from(text, 'utf8');
    this.socket.write(packet(PUBLISH | 0x02, Buffer.concat([str(`${this.prefix}${to}`), u16(id), payload])));
    return acked;
  }

  async pullOffline(): Promise<void> {
    // A persistent session gets its queued messages from the broker right after CONNACK.
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end(Buffer.from([DISCONNECT, 0]));
      setTimeout(() => (this.socket.destroy(), resolve()), 2000).unref();
    });
  }
}
