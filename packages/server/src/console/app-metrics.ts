/** Per-app message rates for the console's live numbers, fed from the messaging commit hook. */
import type { Messaging } from '../messaging/messaging.ts';
import { Metrics } from '../metrics.ts';

export class AppMetrics {
  private readonly byApp = new Map<number, Metrics>();

  constructor(messaging: Messaging) {
    messaging.afterCommit.push((app, kind) => {
      if (kind === 'send') this.of(app.sdkAppId).messageSent();
    });
  }

  of(sdkAppId: number): Metrics {
    let m = this.byApp.get(sdkAppId);
    if (!m) this.byApp.set(sdkAppId, (m = new Metrics()));
    return m;
  }
}
