/** A small SVG chart of the headline figures: one panel per figure, one bar per system. */
import type { TargetName } from '../drivers/driver.ts';
import { formatValue, type Results } from './report.ts';

const HEADLINES: { workload: 'A' | 'B' | 'C' | 'D' | 'E'; key: string; title: string }[] = [
  { workload: 'A', key: 'msgsPerSec', title: 'A: delivered msgs/s (higher is better)' },
  { workload: 'A', key: 'msgsPerCpuSec', title: 'A: msgs per server CPU-second (higher is better)' },
  { workload: 'A', key: 'p99Ms', title: 'A: latency p99, ms (lower is better)' },
  { workload: 'B', key: 'p99Ms', title: 'B: latency p99 at a fixed rate, ms (lower is better)' },
  { workload: 'C', key: 'syncMs', title: 'C: offline backlog synced after login, ms (lower is better)' },
  { workload: 'D', key: 'rssPerConnKB', title: 'D: server memory per idle connection, KB (lower is better)' },
  { workload: 'D', key: 'loginsPerSec', title: 'D: connects + logins per second (higher is better)' },
  { workload: 'D', key: 'loginsPerCpuSec', title: 'D: logins per server CPU-second (higher is better)' },
  { workload: 'E', key: 'pagesPerSec', title: 'E: history pages per second (higher is better)' },
];

const COLORS: Record<TargetName, string> = { parley: '#2f6fdf', mosquitto: '#7a9a3a', xmpp: '#c0702a', relay: '#888888' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChart(results: Results, labels: Partial<Record<TargetName, string>>, targets: TargetName[], subtitle: string): string {
  const width = 760;
  const left = 170;
  const barH = 16;
  const gap = 4;
  const parts: string[] = [];
  let y = 56;
  for (const h of HEADLINES) {
    const byTarget = results[h.workload];
    const present = targets.filter((t) => typeof byTarget?.[t]?.[h.key] === 'number' && Number.isFinite(byTarget[t]![h.key] as number));
    if (present.length === 0) continue;
    const max = Math.max(...present.map((t) => byTarget![t]![h.key] as number)) || 1;
    parts.push(`<text x="10" y="${y}" font-weight="bold">${esc(h.title)}</text>`);
    y += 8;
    for (const t of present) {
      const v = byTarget![t]![h.key] as number;
      const w = Math.max(1, ((width - left - 90) * v) / max);
      parts.push(`<text x="${left - 8}" y="${y + barH - 4}" text-anchor="end">${esc(labels[t] ?? t)}</text>`);
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[t]}"/>`);
      parts.push(`<text x="${(left + w + 6).toFixed(1)}" y="${y + barH - 4}">${esc(formatValue(v))}</text>`);
      y += barH + gap;
    }
    y += 22;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">Parley benchmark: side by side in one run</text>`,
    `<text x="10" y="40" fill="#555">${esc(subtitle)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
