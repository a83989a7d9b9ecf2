import { describe, expect, it } from 'vitest';
import { supervise, type ChildExit } from '../../scripts/stack/supervisor';

const idleChild = ['-e', 'setInterval(() => undefined, 1000)'];

describe('the stack supervisor', () => {
  it('restarts a child killed with SIGKILL, logs the exit, and keeps running', async () => {
    const logged: { exit: ChildExit; restartInMs: number }[] = [];
    const child = supervise('idle', process.execPath, idleChild, process.env, { firstPauseMs: 50, onExit: (exit, restartInMs) => logged.push({ exit, restartInMs }) });
    try {
      const first = child.current().pid;
      child.current().kill('SIGKILL');
      await child.restarted(0);
      expect(child.current().pid).not.toBe(first);
      expect(child.current().exitCode).toBeNull();
      expect(logged).toEqual([{ exit: expect.objectContaining({ name: 'idle', pid: first, signal: 'SIGKILL' }), restartInMs: 50 }]);
    } finally {
      await child.stop();
    }
    expect(child.exits).toHaveLength(2);
    expect(child.exits[1]!.signal).toBe('SIGTERM');
  });

  it('pauses longer after each quick failure, up to the limit, so a child failing at once does not spin', async () => {
    const pauses: number[] = [];
    const child = supervise('failing', process.execPath, ['-e', 'process.exit(3)'], process.env, {
      firstPauseMs: 10,
      maxPauseMs: 40,
      onExit: (exit, restartInMs) => {
        expect(exit.code).toBe(3);
        pauses.push(restartInMs);
      },
    });
    await child.restarted(4);
    await child.stop();
    expect(pauses.slice(0, 5)).toEqual([10, 20, 40, 40, 40]);
  });
});
