/**
 * bench:parked — requests parked awaiting the customer's reply, and what they cost.
 *
 * Parks BENCH_PARKED requests (default 20,000; `-- --large` for 100,000) through the real endpoints
 * (choice, completion, unanswered call → survey SMS), in steps, and after each step reads the RSS of
 * the worker, the Temporal server and PostgreSQL; then, with everything parked, sends SMS replies to
 * BENCH_PROBES (default 50) parked requests, one at a time, and measures reply → handled (the webhook
 * call until the reply is classified and stored by the workflow's activity). Writes
 * benchmarks/results/parked.json. Parking runs at the flow's throughput: 20,000 take hours on a
 * 2-core machine; BENCH_PARKED=2000 gives the per-request slope in minutes.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { twilioSignatureFor } from '../providers/twilioSignature';
import { freePort } from '../scripts/stack/ports';
import { startBenchStack } from './support/benchStack';
import { runProductFlow } from './support/flowDriver';
import { rssMiB } from './support/processStats';
import { intEnv, log, percentile, printTable, round, until, saveResults, runBenchmark } from './support/report';

const PARKED = process.argv.includes('--large') ? 100_000 : intEnv('BENCH_PARKED', 20_000);
const STEPS = intEnv('BENCH_STEPS', 5);
const PROBES = intEnv('BENCH_PROBES', 50);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 25);

async function main() {
  const days = Math.ceil(PARKED / 40) + 2;
  log(`starting the stack (${days} days of slots)...`);
  // The worker's SDK metrics show the cache: its size, and the parked requests evicted from it.
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const stack = await startBenchStack({ days, extraEnv: { WORKER_METRICS_ADDRESS: metricsAddress } });
  const cacheSize = loadConfig(stack.env).WORKER_MAX_CACHED_WORKFLOWS;
  const cacheFigures = async () => {
    const text = await fetch(`http://${metricsAddress}/metrics`).then((r) => r.text(), () => '');
    const sum = (name: string) => round(text.split('\n').filter((l) => l.startsWith(name)).reduce((n, l) => n + Number(l.split(' ').at(-1)), 0), 0);
    return { size: sum('temporal_sticky_cache_size'), evictions: sum('temporal_sticky_cache_total_forced_eviction'), misses: sum('temporal_sticky_cache_miss') };
  };
  try {
    const memory = () => ({
      worker: round(rssMiB(stack.pids.worker)),
      temporal: round(rssMiB(stack.pids.temporal)),
      postgres: round(stack.postgresPids().reduce((sum, pid) => sum + rssMiB(pid), 0)),
    });
    // One request first, so the baseline includes the bundled workflow code and warm connections.
    const warm = await runProductFlow(stack, 1, { concurrency: 1, days, target: 'surveyed' });
    const parked = [...warm.reached];
    const rows = [{ parked: parked.length, 'worker RSS MiB': memory().worker, 'server RSS MiB': memory().temporal, 'postgres RSS MiB': memory().postgres, 'park rate /s': NaN }];
    const step = Math.ceil((PARKED - 1) / STEPS);
    while (parked.length < PARKED) {
      const count = Math.min(step, PARKED - parked.length);
      const run = await runProductFlow(stack, count, { concurrency: CONCURRENCY, days, target: 'surveyed' });
      parked.push(...run.reached);
      const m = memory();
      rows.push({ parked: parked.length, 'worker RSS MiB': m.worker, 'server RSS MiB': m.temporal, 'postgres RSS MiB': m.postgres, 'park rate /s': round((count * 1000) / run.wallMs, 2) });
      log(`parked ${parked.length}: worker ${m.worker} MiB, server ${m.temporal} MiB, postgres ${m.postgres} MiB`);
    }
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    const perRequestKiB = (key: 'worker RSS MiB' | 'server RSS MiB' | 'postgres RSS MiB') => round(((last[key] - first[key]) * 1024) / Math.max(1, last.parked - first.parked), 1);

    const cacheBefore = await cacheFigures();
    log(`reply → handled for ${PROBES} parked requests, one at a time (the earliest parked: evicted first)...`);
    const probes = parked.slice(0, PROBES);
    const handled: number[] = [];
    for (const p of probes) {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const params = { MessageSid: sid, AccountSid: 'ACbench', From: p.mobile!, To: '+8215880102', Body: '5 좋았어요', NumMedia: '0' };
      const began = Date.now();
      const res = await fetch(`${stack.baseUrl}/webhooks/twilio/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignatureFor(stack.secrets.TWILIO_WEBHOOK_AUTH_TOKEN, `${stack.publicBaseUrl}/webhooks/twilio/sms`, params) },
        body: new URLSearchParams(params).toString(),
      });
      if (!res.ok) throw new Error(`SMS reply answered ${res.status}`);
      // Read from the row the activity wrote (stored_at, the database's clock on this machine), so
      // the poll's own period is not part of the figure.
      const storedAt = await until(
        'the reply to be stored by the workflow',
        async () => (await stack.pool.query<{ stored_at: Date }>('SELECT stored_at FROM survey_replies WHERE request_id = $1', [p.requestId])).rows[0]?.stored_at,
        60_000,
        20,
      );
      handled.push(storedAt.getTime() - began);
    }
    const cacheAfter = await cacheFigures();
    printTable(`bench:parked — requests parked awaiting the reply (${PARKED}; worker cache ${cacheSize})`, rows);
    const summary = {
      'worker KiB per parked request': perRequestKiB('worker RSS MiB'),
      'server KiB per parked request': perRequestKiB('server RSS MiB'),
      'postgres KiB per parked request': perRequestKiB('postgres RSS MiB'),
      'reply → handled p50 ms': round(percentile(handled, 50)),
      'reply → handled p99 ms': round(percentile(handled, 99)),
      'worker cache bound': cacheSize,
      'cached at the end': cacheAfter.size,
      'evictions while parking': cacheBefore.evictions,
      'cache misses (replays) while probing': cacheAfter.misses - cacheBefore.misses,
    };
    printTable('summary (targets: worker RSS flat in the number parked, ≤ 512 MiB at 100,000; p99 ≤ 200 ms)', [summary]);
    await saveResults('parked', { settings: { parked: PARKED, steps: STEPS, probes: PROBES, maxCachedWorkflows: cacheSize }, rows, summary, handledMs: handled });
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
