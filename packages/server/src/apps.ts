/**
 * Apps: the unit of tenancy. An app is an SDKAppID plus a secret key that its back end uses
 * to sign UserSigs. SDKAppIDs are drawn from Tencent's mainland range, because the official
 * SDKs derive region behaviour from the number.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_APP_OPTIONS, type AppOptions, type AppRecord, type Store } from './store/store.ts';

export const SDKAPPID_MIN = 1_400_000_000;
export const SDKAPPID_MAX = 1_499_999_999;

export interface CreateAppInput {
  name?: string;
  adminIdentifier?: string;
  options?: Partial<AppOptions>;
  /** Fixed id (tests, imports); random in the mainland range by default. */
  sdkAppId?: number;
  secretKey?: string;
}

/** A fresh 64-hex secret key from the OS's CSPRNG. */
export function newSecretKey(): string {
  return randomBytes(32).toString('hex');
}

export async function createApp(store: Store, input: CreateAppInput = {}): Promise<AppRecord> {
  let sdkAppId = input.sdkAppId;
  if (sdkAppId === undefined) {
    do sdkAppId = randomInt(SDKAPPID_MIN, SDKAPPID_MAX + 1);
    while (await store.getApp(sdkAppId));
  } else if (!Number.isInteger(sdkAppId) || sdkAppId < SDKAPPID_MIN || sdkAppId > SDKAPPID_MAX) {
    throw new RangeError(`sdkAppId must be in ${SDKAPPID_MIN}-${SDKAPPID_MAX}`);
  }
  const app: AppRecord = {
    sdkAppId,
    secretKey: input.secretKey ?? newSecretKey(),
    name: input.name ?? 'app',
    adminIdentifier: input.adminIdentifier ?? 'administrator',
    createdAt: Math.floor(Date.now() / 1000),
    options: { ...DEFAULT_APP_OPTIONS, ...input.options },
  };
  await store.createApp(app);
  return app;
}

/** Replace the app's secret key. UserSigs and sessions signed with the old key stop working. */
export async function rotateSecretKey(store: Store, app: AppRecord): Promise<AppRecord> {
  const next = { ...app, secretKey: newSecretKey() };
  await store.updateApp(next);
  return next;
}

export const DEV_APP_FILE = 'dev-app.json';

/**
 * On first start with an empty data dir, create the app named `dev` and write its
 * credentials to `<dataDir>/dev-app.json` (mode 0600: it holds the secret key).
 * Returns the dev app and whether it was created now.
 */
export async function ensureDevApp(store: Store, dataDir: string): Promise<{ app: AppRecord; created: boolean }> {
  const file = join(dataDir, DEV_APP_FILE);
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { sdkAppId: number };
    const app = await store.getApp(saved.sdkAppId);
    if (app) return { app, created: false };
  }
  const apps = await store.listApps();
  const existing = apps.find((a) => a.name === 'dev');
  const app = existing ?? (await createApp(store, { name: 'dev' }));
  writeFileSync(file, JSON.stringify(appCredentials(app), null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { app, created: !existing };
}

/** The public JSON form of an app's credentials (CLI output, dev-app.json). */
export function appCredentials(app: AppRecord): { sdkAppId: number; secretKey: string; name: string; adminIdentifier: string } {
  return { sdkAppId: app.sdkAppId, secretKey: app.secretKey, name: app.name, adminIdentifier: app.adminIdentifier };
}
