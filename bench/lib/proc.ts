/**
 * Reading processes from /proc: CPU time (utime + stime) and resident memory. The server's
 * figures come from here, and so do the generator's own, so both are measured the same way.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** USER_HZ: Linux reports utime/stime in these ticks; 100 on every mainstream distribution. */
const TICKS_PER_SECOND = 100;

export interface ProcSample {
  /** CPU milliseconds used so far (user + system). */
  cpuMs: number;
  /** Resident set size, KB. */
  rssKB: number;
  /** When the sample was taken (performance.now()). */
  at: number;
}

/** CPU time and RSS of one process; undefined when it is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; everything after its closing paren is fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return { cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND, rssKB: rss ? Number(rss[1]) : 0, at: performance.now() };
  } catch {
    return undefined;
  }
}

/** Bytes the process caused to be written to storage so far (/proc/<pid>/io), or undefined. */
export function bytesWritten(pid: number): number | undefined {
  try {
    const m = /^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Summed CPU and RSS of several processes (the generator and its workers). */
export function sampleProcesses(pids: readonly number[]): ProcSample {
  const out: ProcSample = { cpuMs: 0, rssKB: 0, at: performance.now() };
  for (const pid of pids) {
    const s = sampleProcess(pid);
    if (s) {
      out.cpuMs += s.cpuMs;
      out.rssKB += s.rssKB;
    }
  }
  return out;
}

/** CPU use between two samples, in percent of one core. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const wall = b.at - a.at;
  return wall > 0 ? ((b.cpuMs - a.cpuMs) / wall) * 100 : 0;
}

/** The whole machine's CPU time, busy and in total (all cores), from /proc/stat. */
export interface MachineSample {
  busyMs: number;
  stealMs: number;
  at: number;
}

export function sampleMachine(): MachineSample {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0);
  return { busyMs: (busy * 1000) / TICKS_PER_SECOND, stealMs: ((v[7] ?? 0) * 1000) / TICKS_PER_SECOND, at: performance.now() };
}

/** CPU the rest of the machine used between two samples (percent of one core), besides `ownPct`. */
export function otherCpuPercent(a: MachineSample, b: MachineSample, ownPct: number): number {
  const wall = b.at - a.at;
  return wall > 0 ? Math.max(0, ((b.busyMs - a.busyMs) / wall) * 100 - ownPct) : 0;
}

/** The pid of the process listening on 127.0.0.1:`port` (TCP), found through its socket inode. */
export function pidListeningOn(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; column 9 is the inode.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return Number(entry);
      } catch {
        // The fd closed while we looked.
      }
    }
  }
  return undefined;
}

/** This process's soft limit on open files. */
export function openFileLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/** One line about the machine, for the report. */
export function describeMachine(): string {
  const model = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  let os: string = process.platform;
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // Not Linux: keep the platform name.
  }
  return `${availableParallelism()} × ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${os}, Node ${process.versions.node}`;
}
