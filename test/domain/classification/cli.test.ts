import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const runCli = (stdin: string) =>
  spawnSync('node_modules/.bin/tsx', ['client/cli/classify.ts'], { cwd: root, input: stdin, encoding: 'utf8', timeout: 30_000 });

describe('classify CLI', () => {
  it('writes exactly one {id, category, confidence} line per input line, in order', () => {
    const input = [
      { id: 'r-1', channel: 'sms', text: '2 - technician was late' },
      { id: 'r-2', channel: 'email', text: '또 안 돼요\n\niPhone에서 보냄' },
      { id: 'r-3', channel: 'ivr', text: '', rating: 5 },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n');
    const result = runCli(`${input}\n`);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 'r-1', category: 'complaint', confidence: expect.any(Number) },
      { id: 'r-2', category: 'repeat_failure', confidence: expect.any(Number) },
      { id: 'r-3', category: 'delighted', confidence: 1 },
    ]);
    for (const line of lines) expect((JSON.parse(line) as { confidence: number }).confidence).toBeGreaterThan(0);
  }, 30_000);

  it('reports an invalid line on stderr, keeps stdout clean and exits non-zero', () => {
    const result = runCli('{"id":"ok","channel":"sms","text":"fine"}\n{"id":"bad","channel":"fax","text":"x"}\n');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'ok', category: 'satisfied' });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/line 2: channel/);
  }, 30_000);
});
