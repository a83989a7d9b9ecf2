/**
 * Batch classifier for survey replies, kept stable for evaluation.
 *
 *   npm run --silent classify < replies.jsonl
 *
 * stdin: JSON Lines, each {"id", "channel": "sms"|"email"|"ivr"|"web", "text", "rating"?: 1..5}.
 * stdout: exactly one {"id", "category", "confidence"} line per valid input line, in input order,
 * nothing else. confidence (0-1) is how sure the classifier is.
 * An invalid line is reported on stderr with its line number and offending fields, skipped, and
 * makes the exit code 1 once every valid line has been written.
 */
import { createInterface } from 'node:readline';
import { classifyReply, describeZodError, replyRecordSchema } from '../../domain/classification';

async function run(): Promise<number> {
  let lineNo = 0;
  let invalid = 0;
  const report = (message: string): void => {
    invalid++;
    process.stderr.write(`classify: line ${lineNo}: ${message}\n`);
  };

  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      report(`not valid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = replyRecordSchema.safeParse(json);
    if (!parsed.success) {
      report(describeZodError(parsed.error));
      continue;
    }
    const { id, channel, text, rating } = parsed.data;
    try {
      const { category, confidence } = classifyReply({ channel, text, rating });
      process.stdout.write(`${JSON.stringify({ id, category, confidence })}\n`);
    } catch (error) {
      report(`id ${JSON.stringify(id)}: ${(error as Error).message}`);
    }
  }

  if (invalid > 0) process.stderr.write(`classify: ${invalid} invalid line(s) skipped\n`);
  return invalid > 0 ? 1 : 0;
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
