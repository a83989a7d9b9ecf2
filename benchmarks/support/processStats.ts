import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ; /proc reports CPU time in these ticks

/**
 * CPU time (user + system) a process has used so far, in milliseconds; 0 once it is gone. With
 * `reaped`, the time of its children that have ended is included (PostgreSQL's postmaster reaps
 * its backends, so their time is not lost when a pooled connection closes).
 */
export function cpuMs(pid: number, options: { reaped?: boolean } = {}): number {
  try {
    // Fields after the command name (which may contain spaces) start at ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const own = fields[11]! + fields[12]!;
    const children = options.reaped ? fields[13]! + fields[14]! : 0;
    return ((own + children) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident set size of a process in MiB; 0 once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** CPU time of several named processes, so a phase can be charged with what it cost each. */
export class CpuMeter {
  private start = new Map<string, number>();
  constructor(private readonly pids: Record<string, number>) {
    this.reset();
  }
  reset(): void {
    for (const [name, pid] of Object.entries(this.pids)) this.start.set(name, cpuMs(pid));
  }
  /** CPU milliseconds each process used since the last reset. */
  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = cpuMs(pid) - (this.start.get(name) ?? 0);
    return out;
  }
}
