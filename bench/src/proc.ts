import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times. */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may itself contain spaces).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / CLK_TCK;
}

/** Resident set size in bytes, from /proc/<pid>/status (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** CPU seconds the whole machine has been busy (all cores; /proc/stat, idle and iowait excluded). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLK_TCK;
}

/**
 * Samples a process's CPU and RSS: `mark()` starts a window, `window()` reads CPU used since then and the
 * peak RSS seen by the 100 ms sampler in between.
 */
export class ProcSampler {
  private timer: NodeJS.Timeout | null = null;
  private startCpu = 0;
  private startWall = 0;
  private startMachine = 0;
  peakRss = 0;

  constructor(readonly pid: number) {}

  mark(): void {
    this.startCpu = cpuSeconds(this.pid);
    this.startMachine = machineBusySeconds();
    this.startWall = performance.now();
    this.peakRss = rssBytes(this.pid);
    this.timer ??= setInterval(() => {
      try {
        this.peakRss = Math.max(this.peakRss, rssBytes(this.pid));
      } catch {
        /* process gone */
      }
    }, 100);
    this.timer.unref();
  }

  /** CPU seconds and utilisation (1.0 = one full core) since `mark()`, plus current and peak RSS. */
  window(): { cpuSeconds: number; wallSeconds: number; cores: number; rss: number; peakRss: number; machineCores: number } {
    const cpu = cpuSeconds(this.pid) - this.startCpu;
    const machine = machineBusySeconds() - this.startMachine;
    const wall = (performance.now() - this.startWall) / 1000;
    const rss = rssBytes(this.pid);
    this.peakRss = Math.max(this.peakRss, rss);
    return { cpuSeconds: cpu, wallSeconds: wall, cores: cpu / wall, rss, peakRss: this.peakRss, machineCores: machine / wall };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
