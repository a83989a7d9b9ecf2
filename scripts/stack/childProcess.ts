import { spawn, type ChildProcess } from 'node:child_process';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Where a child's output goes; the terminal by default. */
export type OutputSink = (text: string, stream: 'stdout' | 'stderr') => void;
const toTerminal: OutputSink = (text, stream) => process[stream].write(text);

/** Runs one of the project's processes with a name prefix on each output line. */
export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, onExit: (code: number | null) => void, output: OutputSink = toTerminal): ManagedProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) =>
    String(chunk)
      .split('\n')
      .filter(Boolean)
      .map((l) => `[${name}] ${l}\n`)
      .join('');
  child.stdout?.on('data', (c: Buffer) => output(prefix(c), 'stdout'));
  child.stderr?.on('data', (c: Buffer) => output(prefix(c), 'stderr'));
  child.once('exit', onExit);
  return {
    name,
    child,
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL if the process has not finished its graceful shutdown in time. */
export function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
