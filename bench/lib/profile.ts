/**
 * Summary of a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per area
 * (Parley's code, ws, SQLite, Node internals, GC), so the doc can say what bounds a figure
 * without committing a multi-megabyte profile.
 */
import { readFileSync } from 'node:fs';

interface CpuProfile {
  /** Microseconds on V8's clock, which on Linux is CLOCK_MONOTONIC like process.hrtime. */
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  selfMs: number;
  pct: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time not idle: everything but "(idle)". */
  busyMs: number;
  functions: ProfileLine[];
  areas: ProfileLine[];
}

function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8/native (program)';
  if (url.includes('better-sqlite3')) return 'better-sqlite3 (JS side)';
  if (url.includes('/ws/')) return 'ws';
  if (url.includes('/packages/server/src/store/')) return 'Parley store';
  if (url.includes('/packages/server/src/')) return 'Parley server (other)';
  if (url.includes('/packages/')) return 'Parley packages (protocol, usersig)';
  if (url.includes('node_modules')) return 'other dependencies';
  if (url.startsWith('node:') || url === '') return name.startsWith('(') ? name : 'Node internals and natives (JSON, sockets, sqlite3 C++)';
  return 'other';
}

/** Short location: the path from the package or module directory on. */
function where(url: string, line: number): string {
  if (!url) return '(native)';
  const m = /(packages\/[^?]+|node_modules\/[^?]+|node:[^?]+)/.exec(url);
  return `${m ? m[1] : url}:${line + 1}`;
}

/**
 * Self time by function and by area. With `window` (monotonic ms), only samples taken
 * while the measured traffic ran count: start-up (module compilation) and shutdown do not.
 */
export function summariseProfile(path: string, window?: { fromMs: number; toMs: number }, top = 20): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    const delta = p.timeDeltas[i] ?? 0;
    t += delta;
    if (window && (t / 1000 < window.fromMs || t / 1000 > window.toMs)) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const fns = new Map<string, ProfileLine>();
  const areas = new Map<string, ProfileLine>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const ms = us / 1000;
    total += ms;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idle += ms;
    const key = `${name}@${n.callFrame.url}:${n.callFrame.lineNumber}`;
    const f = fns.get(key) ?? { name, where: where(n.callFrame.url, n.callFrame.lineNumber), selfMs: 0, pct: 0 };
    f.selfMs += ms;
    fns.set(key, f);
    const a = area(n.callFrame.url, name);
    const al = areas.get(a) ?? { name: a, where: '', selfMs: 0, pct: 0 };
    al.selfMs += ms;
    areas.set(a, al);
  }
  const busy = total - idle;
  const finish = (xs: ProfileLine[]) =>
    xs
      .filter((x) => x.name !== '(idle)' && x.name !== 'idle')
      .map((x) => ({ ...x, selfMs: Math.round(x.selfMs * 10) / 10, pct: busy > 0 ? Math.round((x.selfMs / busy) * 1000) / 10 : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs: Math.round(total), busyMs: Math.round(busy), functions: finish([...fns.values()]).slice(0, top), areas: finish([...areas.values()]) };
}

export function renderProfile(s: ProfileSummary): string {
  const lines = [`Server profile: ${s.busyMs} ms in JavaScript or native calls (the rest idle) of ${s.totalMs} ms sampled`, '', '| area | self ms | % of busy |', '|---|---:|---:|'];
  for (const a of s.areas) lines.push(`| ${a.name} | ${a.selfMs} | ${a.pct} |`);
  lines.push('', '| function | where | self ms | % of busy |', '|---|---|---:|---:|');
  for (const f of s.functions) lines.push(`| ${f.name} | ${f.where} | ${f.selfMs} | ${f.pct} |`);
  return lines.join('\n');
}
