/**
 * After-event webhooks (after-send, after-recall, state change) go through a durable outbox:
 * each is written to the Store first, then a delivery loop sends it, retrying failures
 * with exponential backoff (full jitter) until the receiver answers or the event is a day
 * old. Rows survive restarts; every node sharing the store runs a loop, and claims are
 * leased so two nodes do not send the same row at once. Delivery is at-least-once:
 * receivers dedupe on the X-Parley-Delivery header.
 */
import type { Logger } from '../log.ts';
import type { Store, WebhookDelivery } from '../store/store.ts';
import { callWebhook } from './call.ts';
import { wants, type CallbackConfigCache, type CallbackEvent } from './config.ts';

export interface OutboxOptions {
  /** First retry delay, ms; doubles per failed attempt. */
  retryBaseMs: number;
  /** Longest retry delay, ms. */
  retryMaxMs: number;
  /** How often to look for due rows when nothing woke the loop, ms. */
  pollMs?: number;
  /** Rows claimed per round, sent concurrently. */
  batch?: number;
  /** Give up on an event this old, ms. */
  maxAgeMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;

export class WebhookOutbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly store: Store,
    private readonly cache: CallbackConfigCache,
    private readonly log: Logger,
    private readonly opts: OutboxOptions,
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.batch = opts.batch ?? 32;
    this.maxAgeMs = opts.maxAgeMs ?? DAY_MS;
  }

  /** Start the loop: rows left by an earlier run are due at once. */
  start(): void {
    this.wake();
  }

  /** Write an event to the outbox and wake the loop. Resolves once it is stored. */
  async enqueue(sdkAppId: number, command: CallbackEvent, query: Record<string, string>, body: Record<string, unknown>): Promise<void> {
    await this.store.enqueueWebhook({ sdkAppId, command, query, body: JSON.stringify(body), createdAt: Date.now() });
    this.wake();
  }

  /** Stop the loop after the round in flight; rows not yet sent stay for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round()
      .catch((err: unknown) => this.log.error('webhook outbox round failed', { err }))
      .finally(() => {
        this.running = undefined;
        if (this.closed) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.wake(), this.pollMs);
          this.timer.unref();
        }
      });
  }

  private async round(): Promise<void> {
    for (;;) {
      const now = Date.now();
      // The lease outlasts the longest call, so a row is never sent twice at once.
      const rows = await this.store.claimWebhooks(now, this.batch, 35_000);
      await Promise.all(rows.map((r) => this.deliver(r)));
      if (rows.length < this.batch || this.closed) return;
    }
  }

  private async deliver(row: WebhookDelivery): Promise<void> {
    const entry = await this.cache.get(row.sdkAppId);
    // The app is gone or no longer wants this callback: nothing to deliver.
    if (!entry || !wants(entry.config, row.command as CallbackEvent)) {
      await this.store.deleteWebhook(row.id);
      return;
    }
    const r = await callWebhook({ ...row, secretKey: entry.secretKey, config: entry.config, deliveryId: row.id });
    if (r.ok) {
      await this.store.deleteWebhook(row.id);
      return;
    }
    const now = Date.now();
    if (now - row.createdAt > this.maxAgeMs) {
      this.log.error('webhook given up', { sdkAppId: row.sdkAppId, command: row.command, id: row.id, attempts: row.attempts + 1, error: r.error });
      await this.store.deleteWebhook(row.id);
      return;
    }
    const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** Math.min(row.attempts, 30));
    // Full jitter, so receivers coming back are not hit by every retry at once.
    const next = now + Math.max(this.opts.retryBaseMs / 2, Math.random() * delay);
    this.log.warn('webhook delivery failed; will retry', { sdkAppId: row.sdkAppId, command: row.command, id: row.id, attempts: row.attempts + 1, error: r.error });
    await this.store.retryWebhook(row.id, Math.round(next));
  }
}
