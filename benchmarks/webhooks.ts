/**
 * bench:webhooks — signed Twilio SMS webhooks at a steady rate (BENCH_RATE, default 200/s for
 * BENCH_SECONDS, default 60), open loop, against the real webhook server process:
 *   1. a trivial route of the same server (GET /health/live) at the same rate: the floor;
 *   2. SMS from unknown senders (stored for a person, no signal), 2 % of them delivered twice as a
 *      provider retry would: ack latency, errors, inbox rows exactly once;
 *   3. the highest rate held: unknown senders stepped up (BENCH_STEP_RATES, default 200,400,800,1600,
 *      10 s each) while the schedule holds, nothing fails and p99 stays under 1 s;
 *   4. replies to open requests (the signal path): BENCH_OPEN_REQUESTS (default 300) requests parked
 *      awaiting an SMS reply, one reply each at the same rate: ack latency, then stored → signalled.
 * Writes benchmarks/results/webhooks.json.
 */
import { randomBytes } from 'node:crypto';
import { twilioSignatureFor } from '../providers/twilioSignature';
import { startBenchStack, type BenchStack } from './support/benchStack';
import { runProductFlow } from './support/flowDriver';
import { openLoop } from './support/openLoop';
import { describeWaits, sampleWaits } from './support/pgWaits';
import { intEnv, log, percentile, printTable, round, until, saveResults, runBenchmark } from './support/report';

const RATE = intEnv('BENCH_RATE', 200);
const SECONDS = intEnv('BENCH_SECONDS', 60);
const STEP_RATES = (process.env.BENCH_STEP_RATES ?? '200,400,800,1600').split(',').map(Number).filter((r) => r > 0);
const STEP_SECONDS = intEnv('BENCH_STEP_SECONDS', 10);
const OPEN_REQUESTS = intEnv('BENCH_OPEN_REQUESTS', 300);

interface Sms {
  sid: string;
  from: string;
  body: string;
}

async function main() {
  const days = Math.ceil(OPEN_REQUESTS / 40) + 2;
  log('starting the stack...');
  const stack = await startBenchStack({ days });
  try {
    const rows: Record<string, string | number>[] = [];
    const figures: Record<string, unknown> = {};

    log(`trivial route: GET /health/live at ${RATE}/s for ${SECONDS} s...`);
    const trivial = await openLoop(RATE, range(RATE * SECONDS), async () => {
      const res = await fetch(`${stack.baseUrl}/health/live`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(String(res.status));
    });
    rows.push(row('trivial route (same process)', RATE, trivial));

    log(`unknown senders: signed SMS at ${RATE}/s for ${SECONDS} s (2 % delivered twice)...`);
    const unknown = unknownSenders(RATE * SECONDS);
    const withRetries = unknown.flatMap((m, i) => (i % 50 === 0 ? [m, m] : [m]));
    const unknownBefore = await serverHistogram(stack);
    const { result: unknownRun, waits: unknownWaits } = await sampleWaits(stack.env.DATABASE_URL!, () => openLoop(RATE, withRetries, (m) => sendSms(stack, m)));
    const unknownServer = bucketsBetween(unknownBefore, await serverHistogram(stack));
    const stored = await storedOnce(stack, unknown);
    rows.push({ ...row('SMS, unknown senders', RATE, unknownRun), 'stored exactly once': `${stored.once}/${unknown.length}`, ...serverColumns(unknownServer) });

    let held = 0;
    for (const rate of STEP_RATES) {
      log(`step: unknown senders at ${rate}/s for ${STEP_SECONDS} s...`);
      const batch = unknownSenders(rate * STEP_SECONDS);
      const run = await openLoop(rate, batch, (m) => sendSms(stack, m));
      const result = row(`step ${rate}/s`, rate, run);
      rows.push({ ...result, 'stored exactly once': `${(await storedOnce(stack, batch)).once}/${batch.length}` });
      const holds = run.errors === 0 && run.onTime >= batch.length * 0.99 && percentile(run.latenciesMs, 99) < 1000;
      if (!holds) break;
      held = rate;
    }
    figures.highestRateHeld = held;

    log(`parking ${OPEN_REQUESTS} requests awaiting an SMS reply...`);
    const parked = await runProductFlow(stack, OPEN_REQUESTS, { concurrency: intEnv('BENCH_CONCURRENCY', 25), days, target: 'surveyed' });
    const replies = parked.reached.map((r, i) => ({ sid: `SM${randomBytes(16).toString('hex')}`, from: r.mobile!, body: `${(i % 5) + 1} 기사님 친절하셨어요` }));
    log(`replies to open requests: ${replies.length} at ${RATE}/s...`);
    const openBefore = await serverHistogram(stack);
    const { result: openRun, waits: openWaits } = await sampleWaits(stack.env.DATABASE_URL!, () => openLoop(RATE, replies, (m) => sendSms(stack, m)));
    const openServer = bucketsBetween(openBefore, await serverHistogram(stack));
    const openStored = await storedOnce(stack, replies);
    const signalled = await until(
      'every reply to reach its workflow',
      async () => {
        const { rows: r } = await stack.pool.query<{ ms: number }>(
          `SELECT extract(epoch FROM (delivered_at - received_at)) * 1000 AS ms FROM inbox WHERE source = 'twilio-sms' AND event_id = ANY($1::text[]) AND status = 'delivered'`,
          [replies.map((m) => m.sid)],
        );
        return r.length === replies.length ? r.map((x) => Number(x.ms)) : undefined;
      },
      300_000,
      500,
    ).catch(async (err: unknown) => {
      // A stall says where the replies stand (status, attempts, last error).
      const { rows: stuck } = await stack.pool.query(
        `SELECT status, attempts, left(last_error, 160) AS last_error, request_id IS NULL AS unmatched, count(*)::int AS n FROM inbox WHERE source = 'twilio-sms' AND event_id = ANY($1::text[]) GROUP BY 1, 2, 3, 4`,
        [replies.map((m) => m.sid)],
      );
      log(`replies by status: ${JSON.stringify(stuck)}`);
      throw err;
    });
    rows.push({
      ...row('SMS replies to open requests', RATE, openRun),
      ...serverColumns(openServer),
      'stored exactly once': `${openStored.once}/${replies.length}`,
      'stored → signalled p50 ms': round(percentile(signalled, 50)),
      'stored → signalled p99 ms': round(percentile(signalled, 99)),
    });

    printTable('bench:webhooks — signed Twilio SMS webhooks, open loop', rows);
    // Where PostgreSQL's time went while each phase ran (the profile behind a slow server column).
    const waits = { 'SMS, unknown senders': unknownWaits, 'SMS replies to open requests': openWaits };
    printTable('PostgreSQL: what active statements waited on (pg_stat_activity, sampled)', Object.entries(waits).map(([what, w]) => ({ what, samples: w.samples, waits: describeWaits(w) })));
    figures.postgresWaits = waits;
    const trivialP99 = percentile(trivial.latenciesMs, 99);
    const ratios = {
      'unknown senders p99 / trivial p99': round(percentile(unknownRun.latenciesMs, 99) / trivialP99, 2),
      'open requests p99 / trivial p99': round(percentile(openRun.latenciesMs, 99) / trivialP99, 2),
      'highest rate held (unknown senders)': held,
    };
    printTable('ratios (targets: ack p99 ≤ 25 ms and ≤ 3× the trivial route; 0 lost)', [ratios]);
    await saveResults('webhooks', { settings: { rate: RATE, seconds: SECONDS, stepRates: STEP_RATES, stepSeconds: STEP_SECONDS, openRequests: OPEN_REQUESTS }, rows, ratios, ...figures });
  } finally {
    await stack.stop();
  }
}

function row(name: string, rate: number, run: { latenciesMs: number[]; errors: number; onTime: number }) {
  return {
    what: name,
    'rate/s': rate,
    sent: run.latenciesMs.length + run.errors,
    errors: run.errors,
    'on schedule': run.onTime,
    'ack p50 ms': round(percentile(run.latenciesMs, 50)),
    'ack p99 ms': round(percentile(run.latenciesMs, 99)),
  };
}

let senderSeq = 0;
function unknownSenders(count: number): Sms[] {
  // +82 10 9xxx xxxx: a block no bench customer uses.
  return range(count).map(() => ({ sid: `SM${randomBytes(16).toString('hex')}`, from: `+82109${String(senderSeq++ % 10_000_000).padStart(7, '0')}`, body: '안녕하세요 문의드립니다' }));
}

async function sendSms(stack: BenchStack, m: Sms): Promise<void> {
  const params = { MessageSid: m.sid, SmsMessageSid: m.sid, AccountSid: 'ACbench', From: m.from, To: '+8215880102', Body: m.body, NumMedia: '0' };
  const res = await fetch(`${stack.baseUrl}/webhooks/twilio/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignatureFor(stack.secrets.TWILIO_WEBHOOK_AUTH_TOKEN, `${stack.publicBaseUrl}/webhooks/twilio/sms`, params) },
    body: new URLSearchParams(params).toString(),
  });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`SMS webhook answered ${res.status}`);
}

async function storedOnce(stack: BenchStack, sent: Sms[]): Promise<{ once: number }> {
  const { rows } = await stack.pool.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT event_id FROM inbox WHERE source = 'twilio-sms' AND event_id = ANY($1::text[]) GROUP BY event_id HAVING count(*) = 1) x`, [sent.map((m) => m.sid)]);
  return { once: Number(rows[0]!.n) };
}

/**
 * The server's own view of the SMS route (its Prometheus histogram of request durations, from the
 * request's arrival to the answer's end): what of the ack latency is the server's, and what is
 * waiting to be read or answered on a machine the load generator shares.
 */
async function serverHistogram(stack: BenchStack): Promise<Map<number, number>> {
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  const counts = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^service_followup_http_request_duration_seconds_bucket\{(.*)\} (\d+)$/.exec(line);
    if (!m || !m[1]!.includes('route="/webhooks/twilio/sms"')) continue;
    const le = /le="([^"]+)"/.exec(m[1]!)![1]!;
    const bound = le === '+Inf' ? Infinity : Number(le) * 1000;
    counts.set(bound, (counts.get(bound) ?? 0) + Number(m[2]));
  }
  return counts;
}

function bucketsBetween(before: Map<number, number>, after: Map<number, number>): Map<number, number> {
  return new Map([...after].map(([bound, n]) => [bound, n - (before.get(bound) ?? 0)]));
}

/** The share answered within 25 ms by the server's own clock, and the bucket bound of its p99. */
function serverColumns(buckets: Map<number, number>) {
  const total = buckets.get(Infinity) ?? 0;
  const within = (ms: number) => buckets.get(ms) ?? 0;
  const p99Bound = [...buckets].sort((a, b) => a[0] - b[0]).find(([, n]) => n >= total * 0.99)?.[0];
  return {
    'server ≤ 25 ms': total ? `${round((within(25) / total) * 100, 1)} %` : '',
    'server p99 ≤ ms': p99Bound === undefined || !total ? '' : p99Bound === Infinity ? '> 10000' : p99Bound,
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

runBenchmark(main);
