import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from './harness';

const HISTORIES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');

/**
 * Requests already running in production were recorded by older code: today's workflow code must
 * make exactly the same decisions when it replays them. A failure here means a change needs
 * `patched()` (or a new workflow type), not new histories.
 */
describe('replaying recorded histories with the current workflow code', () => {
  it('replays every recorded branch without a determinism error', async () => {
    const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(6);
    const histories = await Promise.all(
      files.map(async (f) => ({ workflowId: f.replace(/\.json$/, ''), history: proto.temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(path.join(HISTORIES, f), 'utf8'))) })),
    );
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
