export { createServer } from './server.ts';
export type { CreateServerOptions, ParleyServer, HttpRoute } from './server.ts';
export { resolveConfig, configFromEnv, DEFAULT_CONFIG, ENV_NAMES } from './config.ts';
export type { ServerConfig } from './config.ts';
export { createApp, ensureDevApp, rotateSecretKey, appCredentials } from './apps.ts';
export { SqliteStore } from './store/sqlite/sqlite-store.ts';
export type { Store, AppRecord, AccountRecord, StoredMessage, UserEvent } from './store/store.ts';
export { MemoryBus } from './bus/memory-bus.ts';
export type { Bus, BusMessage } from './bus/bus.ts';
