import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../client/codec/encryptionCodec';
import { parseKeyRing } from '../../config/payloadKeys';
import { workflowBundle } from './harness';

const HISTORIES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');

type History = proto.temporal.api.history.v1.History;

async function recordedHistories(): Promise<{ workflowId: string; history: History }[]> {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => ({ workflowId: f.replace(/\.json$/, ''), history: proto.temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(path.join(HISTORIES, f), 'utf8'))) })),
  );
}

/**
 * The history a worker with the codec would have written: every payload encrypted, but search
 * attributes (the server indexes them), the SDK core's patch markers and its own bookkeeping in
 * local-activity markers, which no codec touches.
 */
async function encrypted(history: History, codec: EncryptionCodec): Promise<History> {
  const payloads: Payload[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.markerName === 'core_patch') return;
    // A local activity's marker: core reads its own bookkeeping ('data') in clear; the result is ours.
    if (o.markerName === 'core_local_activity') return walk((o.details as Record<string, unknown> | undefined)?.result);
    if (o.data instanceof Uint8Array && o.metadata && typeof o.metadata === 'object') payloads.push(o as Payload);
    else for (const [key, value] of Object.entries(o)) if (key !== 'searchAttributes') walk(value);
  };
  const copy = proto.temporal.api.history.v1.History.decode(proto.temporal.api.history.v1.History.encode(history).finish());
  walk(copy);
  const sealed = await codec.encode(payloads);
  payloads.forEach((p, i) => Object.assign(p, sealed[i]));
  return copy;
}

async function replayFailures(histories: { workflowId: string; history: History }[], codec: EncryptionCodec): Promise<string[]> {
  const failures: string[] = [];
  const options = { workflowBundle: await workflowBundle(), dataConverter: { payloadCodecs: [codec] } };
  for await (const result of Worker.runReplayHistories(options, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

/** Replay through the same codec as the worker: encrypted histories, rotated keys, and old plain ones. */
describe('replaying with the payload encryption codec', () => {
  it('replays the histories recorded before encryption: unencrypted payloads pass through', async () => {
    const histories = await recordedHistories();
    expect(histories.length).toBeGreaterThanOrEqual(6);
    expect(await replayFailures(histories, new EncryptionCodec(parseKeyRing(key('current'))))).toEqual([]);
  });

  it('replays histories encrypted with a retired key once a new key is in front of it', async () => {
    const retired = key('2026-01');
    const sealed = await Promise.all(
      (await recordedHistories()).map(async (h) => ({ ...h, history: await encrypted(h.history, new EncryptionCodec(parseKeyRing(retired))) })),
    );
    expect(await replayFailures(sealed, new EncryptionCodec(parseKeyRing(`${key('2026-12')},${retired}`)))).toEqual([]);
    // Without the retired key nothing can be read: the payloads really are encrypted.
    const withoutRetired = await replayFailures(sealed, new EncryptionCodec(parseKeyRing(key('2026-12'))));
    expect(withoutRetired).toHaveLength(sealed.length);
  });
});
