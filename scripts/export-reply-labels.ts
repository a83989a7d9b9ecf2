/**
 * Grows the corpus with the replies agents labelled in review: appends each one not yet exported
 * to data/replies/agent-labels.jsonl (the training script reads it after corpus.jsonl), then
 * `npm run train:classifier` learns from them.
 *
 *   npm run export:labels [-- --out FILE] [--prefix NAME] [--since YYYY-MM-DD]
 *
 * Ids are "<prefix>-<reply id>" (prefix "agent"), so exporting again adds only new labels. The
 * texts are customers' words: read them for personal details before committing the file.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createPool, type Pool } from '../db/pool';
import { listLabelledReplies } from '../db/queries/agentTasks';
import { labelledReplySchema, type LabelledReply } from '../domain/classification';
import { CORPUS_FILES } from './train-classifier';

export const AGENT_LABELS_FILE = CORPUS_FILES[1]!;

/** Appends the labelled replies missing from `file`; returns how many were added and skipped. */
export async function exportReplyLabels(pool: Pool, options: { file?: string; prefix?: string; since?: Date } = {}): Promise<{ added: number; known: number }> {
  const file = options.file ?? AGENT_LABELS_FILE;
  const prefix = options.prefix ?? 'agent';
  const existing = new Set(
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.trim())
          .map((line) => (JSON.parse(line) as { id: string }).id)
      : [],
  );
  const lines: string[] = [];
  let known = 0;
  for (const row of await listLabelledReplies(pool, { since: options.since })) {
    const record: LabelledReply = labelledReplySchema.parse({
      id: `${prefix}-${row.replyId}`,
      channel: row.channel === 'voice' ? 'ivr' : row.channel,
      text: row.text,
      ...(row.rating !== null ? { rating: row.rating } : {}),
      expected: row.category,
    });
    if (existing.has(record.id)) {
      known++;
      continue;
    }
    lines.push(JSON.stringify(record));
  }
  if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`);
  return { added: lines.length, known };
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, prefix: { type: 'string' }, since: { type: 'string' } } });
  const since = values.since ? new Date(`${values.since}T00:00:00Z`) : undefined;
  if (since && Number.isNaN(since.getTime())) throw new Error('--since must be a date, YYYY-MM-DD');
  if (values.prefix !== undefined && !/^[a-z0-9-]{1,32}$/.test(values.prefix)) throw new Error('--prefix must be lower-case letters, digits and dashes');
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set: start the stack (npm run up) or set it');
  const pool = createPool(config.DATABASE_URL, 1);
  const file = values.out ? resolve(values.out) : AGENT_LABELS_FILE;
  exportReplyLabels(pool, { file, prefix: values.prefix, since })
    .then(({ added, known }) => console.log(`Added ${added} labelled replies to ${file} (${known} were already there). Retrain with: npm run train:classifier`))
    .finally(() => pool.end());
}
