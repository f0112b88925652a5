/** Workload E (Parley only): page back through a long conversation, `page` messages a page. */
import { connectClient } from '../drivers/connect.ts';
import type { PeerServer } from '../drivers/driver.ts';
import { nowMs, parseText } from '../lib/payload.ts';
import { round } from '../lib/stats.ts';
import { sendMany } from './offline.ts';
import type { Outcome, Sizes } from './types.ts';

export async function workloadE(server: PeerServer, s: Sizes, progress: (fraction: number, detail: string) => void): Promise<Outcome> {
  const ep = server.endpoint;
  const reader = await connectClient(ep, 'e-reader');
  const writer = await connectClient(ep, 'e-writer');
  await sendMany(writer, reader.user, s.history, s.window, s.size, (n) => progress((0.9 * n) / s.history, `${n}/${s.history} written`));
  await writer.close();
  if (!reader.history) throw new Error(`${server.label} has no history command`);
  progress(0.9, 'paging');
  const t0 = nowMs();
  const { pages, messages } = await reader.history(writer.user, s.page);
  const t1 = nowMs();
  const ms = t1 - t0;
  await reader.close();
  const seqs = messages.map((t) => parseText(t)?.seq ?? -1);
  let inOrder = true;
  for (let i = 1; i < seqs.length; i++) if (seqs[i]! !== seqs[i - 1]! + 1) inOrder = false;
  const lost = s.history - new Set(seqs.filter((x) => x >= 0)).size;
  const problems: string[] = [];
  if (lost > 0) problems.push(`${lost} messages missing from history`);
  if (messages.length !== s.history) problems.push(`history returned ${messages.length} messages, expected ${s.history}`);
  if (!inOrder) problems.push('history out of order');
  return {
    figures: { messages: messages.length, pages, pagesPerSec: round(pages / (ms / 1000), 0), msgsPerSec: round(messages.length / (ms / 1000), 0), inOrder, lost },
    problems,
    window: { fromMs: t0, toMs: t1 },
  };
}
