/**
 * The driver seam: every system under test (Parley, Mosquitto, an XMPP server) is one
 * `PeerServer` (a process whose CPU and memory we read from /proc) plus a way to open
 * `BenchClient`s against it. The workloads only ever talk to `BenchClient`, so the same
 * generator code drives every system.
 *
 * Endpoints are plain JSON so generator worker processes can open clients of their own.
 */

/** Which system a result belongs to; also the key in the results file. */
export type TargetName = 'parley' | 'mosquitto' | 'xmpp' | 'relay';

/** The workloads: A throughput, B fixed rate, C offline sync, D idle connections, E history. */
export type WorkloadId = 'A' | 'B' | 'C' | 'D' | 'E';

/** How to reach a running server; serialisable, so worker processes can connect too. */
export type Endpoint =
  | { kind: 'parley'; wsUrl: string; sdkAppId: number; secretKey: string }
  | { kind: 'mqtt'; host: string; port: number; topicPrefix: string }
  | { kind: 'xmpp'; host: string; port: number; domain: string; password: string };

export interface ConnectOptions {
  /** Source address of the client socket (127.0.0.x), to spread many connections over more ports. */
  localAddress?: string;
  /**
   * Keep the user's undelivered messages while it is offline (MQTT: a persistent session).
   * Parley and XMPP always keep them.
   */
  persistent?: boolean;
  /** Pre-computed credential (Parley: the UserSig), so its cost stays out of timed loops. */
  credential?: string;
  /**
   * The first message handler, in place before the login completes: MQTT and XMPP push a
   * stored backlog the moment the session starts.
   */
  onMessage?: (text: string) => void;
}

/** One logged-in user. */
export interface BenchClient {
  readonly user: string;
  /**
   * Send `text` to `to`. Resolves when the server acknowledged the message: Parley's reply
   * (sent after the commit), MQTT's PUBACK, XMPP's stream-management ack (XEP-0198).
   */
  send(to: string, text: string): Promise<void>;
  /** Every message delivered to this user, live or from the offline store, in arrival order. */
  onMessage: (text: string) => void;
  /**
   * Ask for what was stored while the user was offline, when the protocol needs a request
   * for it (Parley: `openim.getmsg` until SyncFlag 2); resolves when the request loop ends.
   * MQTT and XMPP deliver the backlog by themselves after login.
   */
  pullOffline(): Promise<void>;
  /** Page back through the conversation with `peer`; Parley only. Returns pages and messages read. */
  history?(peer: string, pageSize: number): Promise<{ pages: number; messages: string[] }>;
  close(): Promise<void>;
}

/** A running server under test. */
export interface PeerServer {
  readonly name: TargetName;
  /** Human name with version, for the table. */
  readonly label: string;
  /** The process whose CPU and RSS are read from /proc (changes with `restart`). */
  readonly pid: number;
  readonly endpoint: Endpoint;
  /** Make the accounts exist (XMPP registration through the server's CLI); no-op elsewhere. */
  prepareUsers(users: readonly string[]): Promise<void>;
  /** Start the server process again on the same data and endpoint, so memory is measured from a fresh process. */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts fresh servers of one system, or tells why it cannot. */
export interface Driver {
  readonly name: TargetName;
  readonly workloads: ReadonlySet<WorkloadId>;
  /** Undefined when the system can run here; otherwise why it is skipped. */
  unavailable(): Promise<string | undefined>;
  start(opts: { workload: WorkloadId; profileDir?: string }): Promise<PeerServer>;
}
