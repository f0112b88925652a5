/**
 * Mosquitto under test, MQTT QoS 1: each user subscribes to its own topic, senders publish
 * to the partner's.
 *
 * Which broker: when Debian's `mosquitto` is installed, a fresh one is started per run on a
 * free loopback port with peers/mosquitto.conf. The broker already running on
 * 127.0.0.1:1883 is used when no binary is installed, or always with `--mosquitto-system`.
 * A stock broker has Nagle's algorithm on (`set_tcp_nodelay false`), which puts up to
 * 40 ms on its latencies, and queues at most 1000 messages per offline client, which makes
 * workload C lose messages; so workload C always gets a broker of its own when it can.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child.ts';
import type { Driver, PeerServer, WorkloadId } from './driver.ts';
import { freePort, waitForPort } from '../lib/net.ts';
import { pidListeningOn } from '../lib/proc.ts';

const CONF = join(dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'mosquitto.conf');
const SYSTEM_PORT = 1883;

function mosquittoBinary(): string | undefined {
  for (const p of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto']) if (existsSync(p)) return p;
  return undefined;
}

function mosquittoVersion(bin: string | undefined): string {
  if (!bin) return '';
  let out = '';
  try {
    out = execFileSync(bin, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // Some versions exit non-zero after printing the usage.
    out = String((err as { stdout?: string }).stdout ?? '');
  }
  return /mosquitto version (\S+)/.exec(out)?.[1] ?? '';
}

export function mosquittoDriver(opts: { preferSystem?: boolean } = {}): Driver {
  const bin = mosquittoBinary();
  const version = mosquittoVersion(bin);
  const label = `Mosquitto${version ? ` ${version}` : ''} QoS 1`;
  let run = 0;
  return {
    name: 'mosquitto',
    workloads: new Set<WorkloadId>(['A', 'B', 'C', 'D']),
    async unavailable() {
      if (bin || pidListeningOn(SYSTEM_PORT) !== undefined) return undefined;
      return 'mosquitto is not installed and no broker listens on 127.0.0.1:1883 (--peers installs it)';
    },
    async start({ workload }) {
      // A fresh topic prefix per run, so retained sessions of an earlier run never mix in.
      const topicPrefix = `parley-bench/${process.pid}/${++run}/`;
      const systemPid = pidListeningOn(SYSTEM_PORT);
      const useSystem = systemPid !== undefined && (!bin || (opts.preferSystem === true && workload !== 'C'));
      if (useSystem) {
        const server: PeerServer = {
          name: 'mosquitto',
          label: `${label} (system broker)`,
          pid: systemPid,
          endpoint: { kind: 'mqtt', host: '127.0.0.1', port: SYSTEM_PORT, topicPrefix },
          async prepareUsers() {},
          async stop() {},
        };
        return server;
      }
      if (!bin) throw new Error('mosquitto is not installed');
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'parley-bench-mosquitto-'));
      const conf = join(dir, 'mosquitto.conf');
      writeFileSync(conf, `${readFileSync(CONF, 'utf8')}\nlistener ${port} 127.0.0.1\n`);
      const child = startChild(bin, ['-c', conf]);
      await waitForPort('127.0.0.1', port, 10_000, child.alive);
      return {
        name: 'mosquitto',
        label,
        pid: child.pid,
        endpoint: { kind: 'mqtt', host: '127.0.0.1', port, topicPrefix },
        async prepareUsers() {},
        async stop() {
          await child.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
