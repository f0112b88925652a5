/**
 * The admin API's request rate, per app and command, as Tencent limits it: by default 200
 * requests per second, 100 for the bulk account commands; over it answers 60007. In memory
 * per node (see messaging/rate-limit.ts).
 */
import { ImError } from '@parley/protocol';
import { RateLimiter } from '../messaging/rate-limit.ts';
import type { AdminCommand } from './schema.ts';

export class AdminRateLimit {
  private readonly normal: RateLimiter;
  private readonly bulk: RateLimiter;

  constructor(perSecond: number) {
    this.normal = new RateLimiter(perSecond, perSecond);
    this.bulk = new RateLimiter(perSecond / 2, Math.max(1, perSecond / 2));
  }

  /** Take one request of the app's budget for the command; throws REQ_ADMIN_RATE_LIMITED when spent. */
  take(sdkAppId: number, cmd: AdminCommand): void {
    const wait = (cmd.bulk ? this.bulk : this.normal).take(`${sdkAppId}:${cmd.name}`);
    if (wait > 0) throw new ImError('REQ_ADMIN_RATE_LIMITED', `${cmd.name} rate exceeded; retry after ${wait} ms`, { retryAfterMs: wait });
  }
}
