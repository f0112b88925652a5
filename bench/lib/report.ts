/** The side-by-side table: one row per figure, one column per system, and Parley/peer ratios. */
import type { TargetName, WorkloadId } from '../drivers/driver.ts';

/** `results[workload][target]` = that run's figures; the results file has exactly this shape. */
export type Results = Partial<Record<WorkloadId, Partial<Record<TargetName, Record<string, number | boolean>>>>>;

export interface Row {
  workload: WorkloadId;
  key: string;
  label: string;
  /** Which way is better; shown beside the label so a ratio reads at a glance. */
  better: 'higher' | 'lower' | 'none';
}

export const ROWS: Row[] = [
  { workload: 'A', key: 'msgsPerSec', label: 'delivered msgs/s (median run)', better: 'higher' },
  { workload: 'A', key: 'msgsPerSecMin', label: '… slowest run', better: 'higher' },
  { workload: 'A', key: 'msgsPerSecMax', label: '… fastest run', better: 'higher' },
  { workload: 'A', key: 'msgsPerCpuSec', label: 'msgs per server CPU-second', better: 'higher' },
  { workload: 'A', key: 'p50Ms', label: 'latency p50 ms', better: 'lower' },
  { workload: 'A', key: 'p95Ms', label: 'latency p95 ms', better: 'lower' },
  { workload: 'A', key: 'p99Ms', label: 'latency p99 ms', better: 'lower' },
  { workload: 'A', key: 'maxMs', label: 'latency max ms', better: 'lower' },
  { workload: 'A', key: 'serverCpuPct', label: 'server CPU %', better: 'none' },
  { workload: 'A', key: 'generatorCpuPct', label: 'generator CPU %', better: 'none' },
  { workload: 'A', key: 'otherCpuPct', label: 'rest of the machine CPU %', better: 'none' },
  { workload: 'A', key: 'diskKBPerMsg', label: 'server disk writes per message KB', better: 'none' },
  { workload: 'A', key: 'lost', label: 'lost', better: 'none' },
  { workload: 'B', key: 'achievedRate', label: 'delivered msgs/s', better: 'none' },
  { workload: 'B', key: 'p50Ms', label: 'latency p50 ms', better: 'lower' },
  { workload: 'B', key: 'p95Ms', label: 'latency p95 ms', better: 'lower' },
  { workload: 'B', key: 'p99Ms', label: 'latency p99 ms', better: 'lower' },
  { workload: 'B', key: 'p99MsMin', label: '… best run', better: 'lower' },
  { workload: 'B', key: 'p99MsMax', label: '… worst run', better: 'lower' },
  { workload: 'B', key: 'maxMs', label: 'latency max ms', better: 'lower' },
  { workload: 'B', key: 'serverCpuPct', label: 'server CPU %', better: 'lower' },
  { workload: 'B', key: 'generatorCpuPct', label: 'generator CPU %', better: 'none' },
  { workload: 'B', key: 'otherCpuPct', label: 'rest of the machine CPU %', better: 'none' },
  { workload: 'B', key: 'diskKBPerMsg', label: 'server disk writes per message KB', better: 'none' },
  { workload: 'B', key: 'lost', label: 'lost', better: 'none' },
  { workload: 'C', key: 'messages', label: 'offline messages', better: 'none' },
  { workload: 'C', key: 'syncMs', label: 'login → all received, ms', better: 'lower' },
  { workload: 'C', key: 'syncMsMin', label: '… best run', better: 'lower' },
  { workload: 'C', key: 'syncMsMax', label: '… worst run', better: 'lower' },
  { workload: 'C', key: 'inOrder', label: 'in order', better: 'none' },
  { workload: 'D', key: 'connections', label: 'idle logged-in connections', better: 'none' },
  { workload: 'D', key: 'rssPerConnKB', label: 'server RSS per connection KB', better: 'lower' },
  { workload: 'D', key: 'loginsPerSec', label: 'connects + logins /s', better: 'higher' },
  { workload: 'D', key: 'loginsPerSecMin', label: '… slowest run', better: 'higher' },
  { workload: 'D', key: 'loginsPerSecMax', label: '… fastest run', better: 'higher' },
  { workload: 'D', key: 'loginsPerCpuSec', label: 'logins per server CPU-second', better: 'higher' },
  { workload: 'D', key: 'serverCpuPct', label: 'server CPU % while logging in', better: 'none' },
  { workload: 'D', key: 'generatorCpuPct', label: 'generator CPU %', better: 'none' },
  { workload: 'D', key: 'otherCpuPct', label: 'rest of the machine CPU %', better: 'none' },
  { workload: 'D', key: 'firstLoginsPerSec', label: 'first logins /s (account created)', better: 'none' },
  { workload: 'E', key: 'pagesPerSec', label: 'history pages/s', better: 'higher' },
  { workload: 'E', key: 'pagesPerSecMin', label: '… slowest run', better: 'higher' },
  { workload: 'E', key: 'pagesPerSecMax', label: '… fastest run', better: 'higher' },
  { workload: 'E', key: 'msgsPerSec', label: 'history msgs/s', better: 'higher' },
  { workload: 'E', key: 'inOrder', label: 'complete and in order', better: 'none' },
];

export function formatValue(v: number | boolean | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'NO';
  if (!Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function ratio(parley: number | boolean | undefined, peer: number | boolean | undefined): string {
  if (typeof parley !== 'number' || typeof peer !== 'number' || !Number.isFinite(parley) || !Number.isFinite(peer) || peer === 0) return '';
  const r = parley / peer;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

/** The table as lines of text (also pasted into docs/performance.md as Markdown with `markdown: true`). */
export function renderTable(results: Results, labels: Partial<Record<TargetName, string>>, targets: TargetName[], markdown = false): string {
  const peers = targets.filter((t) => t !== 'parley');
  const header = ['workload', 'figure', labels.parley ?? 'Parley'];
  for (const p of peers) header.push(labels[p] ?? p, `Parley/${shortName(labels[p] ?? p)}`);
  const lines: string[][] = [];
  for (const row of ROWS) {
    const byTarget = results[row.workload];
    if (!byTarget || !targets.some((t) => byTarget[t]?.[row.key] !== undefined)) continue;
    const pv = byTarget.parley?.[row.key];
    const arrow = row.better === 'higher' ? ' ↑' : row.better === 'lower' ? ' ↓' : '';
    const cells = [row.workload, row.label + arrow, formatValue(pv)];
    for (const p of peers) {
      const v = byTarget[p]?.[row.key];
      cells.push(formatValue(v), row.better === 'none' ? '' : ratio(pv, v));
    }
    lines.push(cells);
  }
  if (markdown) {
    const md = [header, header.map((_, i) => (i < 2 ? '---' : '---:')), ...lines].map((r) => `| ${r.join(' | ')} |`);
    return md.join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

function shortName(label: string): string {
  return label.split(' ')[0]!;
}
