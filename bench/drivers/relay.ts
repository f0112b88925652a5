/**
 * The bare `ws` relay (peers/ws-relay.ts) under test: Parley's own wire protocol and the
 * same generator client as Parley, with no logic and no storage behind it, so the ratio
 * Parley / relay is what Parley's work costs on top of Node, `ws` and the JSON frames.
 * Workloads A, B and D (it keeps nothing, so C and E have no meaning).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, type Child } from './child.ts';
import type { Driver, PeerServer, WorkloadId } from './driver.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RELAY = join(ROOT, 'bench', 'peers', 'ws-relay.ts');

export function relayDriver(): Driver {
  return {
    name: 'relay',
    workloads: new Set<WorkloadId>(['A', 'B', 'D']),
    async unavailable() {
      return undefined;
    },
    async start() {
      const launch = async (port: number): Promise<{ child: Child; port: number }> => {
        const child = startChild(process.execPath, ['--import', 'tsx', RELAY, String(port)], { cwd: ROOT });
        const m = await child.waitFor(/relay listening on (\d+)/, 30_000);
        return { child, port: Number(m[1]) };
      };
      let run = await launch(0);
      const server: PeerServer = {
        name: 'relay',
        label: `bare ws relay (no logic, no storage)`,
        get pid() {
          return run.child.pid;
        },
        // The relay checks no UserSig: any app id and key will do for the client's login.
        endpoint: { kind: 'parley', wsUrl: `ws://127.0.0.1:${run.port}/info`, sdkAppId: 1, secretKey: 'relay' },
        async prepareUsers() {},
        async restart() {
          await run.child.stop(5000);
          run = await launch(run.port);
        },
        async stop() {
          await run.child.stop(5000);
        },
      };
      return server;
    },
  };
}
