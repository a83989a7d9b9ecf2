import type { ChildProcess } from 'node:child_process';
import { startProcess, stopChild, type OutputSink } from './childProcess';

export interface ChildExit {
  name: string;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: Date;
}

export interface SupervisedProcess {
  name: string;
  /** The child running now (a new one after each restart). */
  current(): ChildProcess;
  /** Every exit seen so far, in order. */
  exits: ChildExit[];
  /** Resolves once a restarted child has been spawned after the given exit count. */
  restarted(afterExits: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** Called for every exit, with the pause before the restart. */
  onExit?: (exit: ChildExit, restartInMs: number) => void;
  firstPauseMs?: number;
  maxPauseMs?: number;
  /** A child that stayed up this long is healthy again: the next pause starts small. */
  healthyAfterMs?: number;
  output?: OutputSink;
}

/**
 * Keeps one of the project's processes running: when it exits (crash, kill -9) it is started again
 * after a pause that doubles with each quick failure (1 s, 2 s, 4 s … up to 30 s) and is logged, so
 * one failing child never takes the rest of the stack down, and a child that fails at once does
 * not spin.
 */
export function supervise(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, options: SupervisorOptions = {}): SupervisedProcess {
  const firstPauseMs = options.firstPauseMs ?? 1000;
  const maxPauseMs = options.maxPauseMs ?? 30_000;
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;
  const exits: ChildExit[] = [];
  const waiters: { after: number; resolve: () => void }[] = [];
  let stopping = false;
  let pauseMs = firstPauseMs;
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcess;
  let startedAt = Date.now();

  const spawnChild = () => {
    startedAt = Date.now();
    child = startProcess(name, command, args, env, () => undefined, options.output).child;
    const pid = child.pid;
    for (const w of waiters.splice(0)) {
      if (exits.length > w.after) w.resolve();
      else waiters.push(w);
    }
    child.once('exit', (code, signal) => {
      const exit = { name, pid, code, signal, at: new Date() };
      exits.push(exit);
      if (stopping) return;
      if (Date.now() - startedAt >= healthyAfterMs) pauseMs = firstPauseMs;
      const wait = pauseMs;
      pauseMs = Math.min(pauseMs * 2, maxPauseMs);
      options.onExit?.(exit, wait);
      timer = setTimeout(spawnChild, wait);
    });
  };
  spawnChild();

  return {
    name,
    current: () => child,
    exits,
    restarted: (afterExits) =>
      new Promise<void>((resolve) => {
        if (exits.length > afterExits && child.exitCode === null && child.signalCode === null) resolve();
        else waiters.push({ after: afterExits, resolve });
      }),
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await stopChild(child);
    },
  };
}

/**
 * How the stack runs a TypeScript entry: node itself with tsx's loader, not the tsx launcher, so
 * the pid the supervisor holds is the process doing the work (a signal or a kill reaches it).
 */
export function typescriptEntry(entry: string): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', entry]];
}
