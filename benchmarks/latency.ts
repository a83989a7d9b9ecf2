/**
 * bench:latency — from the technician's completion report to the survey call handed to the
 * provider, at steady rates (BENCH_RATES, default "1,5,20" reports per second, each for
 * BENCH_SECONDS, default 30). Requests are first parked awaiting completion through the real
 * endpoints; then completion reports are sent on a fixed schedule (open loop), and the latency is
 * read from the database: technician_progress.reported_at → outbox.sent_at of the survey call.
 * Writes benchmarks/results/latency.json.
 */
import { demoTechnicianToken } from '../scripts/demo/demoData';
import { startBenchStack } from './support/benchStack';
import { runProductFlow } from './support/flowDriver';
import { openLoop } from './support/openLoop';
import { intEnv, log, percentile, printTable, round, until, saveResults, runBenchmark } from './support/report';

const RATES = (process.env.BENCH_RATES ?? '1,5,20').split(',').map(Number).filter((r) => r > 0);
const SECONDS = intEnv('BENCH_SECONDS', 30);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 25);

async function main() {
  const total = RATES.reduce((sum, rate) => sum + rate * SECONDS, 0);
  const days = Math.ceil(total / 40) + 2;
  log(`starting the stack (${days} days of slots)...`);
  const stack = await startBenchStack({ days });
  try {
    log(`parking ${total} requests awaiting completion...`);
    const parked = await runProductFlow(stack, total, { concurrency: CONCURRENCY, days, target: 'booked' });
    if (parked.endedEarly > 0) log(`${parked.endedEarly} requests closed without a booking (every booking race lost); measuring the others`);
    const technicianOf = new Map(
      (await stack.pool.query<{ request_id: string; technician_id: string }>(`SELECT request_id, technician_id FROM bookings WHERE status = 'active' AND request_id = ANY($1::uuid[])`, [parked.reached.map((r) => r.requestId)])).rows.map((r) => [r.request_id, r.technician_id]),
    );
    const queue = parked.reached.map((r) => r.requestId);
    const rows = [];
    const figures = [];
    for (const rate of RATES) {
      const batch = queue.splice(0, rate * SECONDS);
      if (batch.length === 0) break;
      log(`${rate}/s: ${batch.length} completion reports over ${SECONDS} s...`);
      const sent = await openLoop(rate, batch, async (requestId) => {
        const res = await fetch(`${stack.baseUrl}/technicians/jobs/${requestId}/progress`, {
          method: 'POST',
          headers: { authorization: `Bearer ${demoTechnicianToken(stack.secrets.TECHNICIAN_TOKEN_SECRET, technicianOf.get(requestId)!)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ eventId: `bench-${requestId}-completed`, status: 'completed', resolved: true }),
        });
        if (!res.ok) throw new Error(`completion report answered ${res.status}`);
      });
      const latencies = await until(
        'every survey call of this batch to be handed to the provider',
        async () => {
          const { rows: found } = await stack.pool.query<{ ms: number }>(
            `SELECT extract(epoch FROM (o.sent_at - p.reported_at)) * 1000 AS ms
               FROM technician_progress p JOIN outbox o ON o.request_id = p.request_id AND o.purpose = 'survey-call' AND o.sent_at IS NOT NULL
              WHERE p.status = 'completed' AND p.request_id = ANY($1::uuid[])`,
            [batch],
          );
          return found.length === batch.length ? found.map((f) => Number(f.ms)) : undefined;
        },
        300_000,
        500,
      );
      const row = {
        'reports/s': rate,
        reports: batch.length,
        'sent on schedule': `${sent.onTime}/${batch.length}`,
        'p50 ms': round(percentile(latencies, 50)),
        'p95 ms': round(percentile(latencies, 95)),
        'p99 ms': round(percentile(latencies, 99)),
        'max ms': round(Math.max(...latencies)),
        // A poll every T finds a completion after T/2 on average and T at worst (plus the same work).
        'polling period with the same p99 (s)': round(percentile(latencies, 99) / 1000, 2),
      };
      rows.push(row);
      figures.push({ ...row, latenciesMs: latencies.map((l) => round(l)) });
    }
    printTable('bench:latency — completion report → survey call handed to the provider', rows);
    await saveResults('latency', { settings: { rates: RATES, seconds: SECONDS }, results: figures });
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
