/**
 * The protocol-agnostic core every door talks to: the seams (Store, Bus) and the services
 * built on them. createServer wires one per process.
 */
import type { Bus } from './bus/bus.ts';
import type { ServerConfig } from './config.ts';
import type { Logger } from './log.ts';
import type { Messaging } from './messaging/messaging.ts';
import type { Authenticator } from './session/auth.ts';
import type { SessionRegistry } from './session/registry.ts';
import type { Store } from './store/store.ts';
import type { Metrics } from './metrics.ts';

export interface Core {
  readonly config: ServerConfig;
  readonly store: Store;
  readonly bus: Bus;
  readonly log: Logger;
  readonly auth: Authenticator;
  readonly registry: SessionRegistry;
  readonly messaging: Messaging;
  readonly metrics: Metrics;
}
