/**
 * bench:flow — the whole service-request flow against Temporal's own ceiling on the same server.
 *
 * N requests (BENCH_REQUESTS, default 300) run the happy path through the real endpoints (choice
 * page → technician completion → keypad rating on the survey call → settle), at most
 * BENCH_CONCURRENCY (default 50) at a time; in the same run the ceiling workflow
 * (benchmarks/ceiling: the same activities, signals, timers and search-attribute upserts, doing
 * nothing) is driven the same way on the same dev server. BENCH_ROUNDS (default 1) alternates the
 * two phases that many times, after a warm-up batch of each (BENCH_WARMUP). Prints throughput, CPU per request for each process, events and bytes
 * per history, and the ratios; writes benchmarks/results/flow.json.
 */
import { createCeilingMarksTable } from './ceiling/activities';
import { startBenchStack, type BenchStack } from './support/benchStack';
import { historySizes, runCeilingFlow, runProductFlow, type RunResult } from './support/flowDriver';
import { CpuMeter, cpuMs } from './support/processStats';
import { intEnv, log, median, percentile, printTable, round, until, saveResults, runBenchmark } from './support/report';

const REQUESTS = intEnv('BENCH_REQUESTS', 300);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 50);
const ROUNDS = intEnv('BENCH_ROUNDS', 1);
/** Requests of each flow run first and not counted (default one batch of BENCH_CONCURRENCY). */
const WARMUP = intEnv('BENCH_WARMUP', CONCURRENCY);

interface Phase {
  round: number;
  kind: 'product' | 'ceiling';
  run: RunResult;
  cpuMs: Record<string, number>;
  history: { events: number[]; bytes: number[]; offerRounds: number[] };
}

async function main() {
  // Slots for enough days that every request finds a free technician.
  const days = Math.ceil((REQUESTS * ROUNDS + WARMUP) / 40) + 2;
  log(`starting the stack (dev server on SQLite, embedded PostgreSQL, worker, webhook server; ${days} days of slots)...`);
  const stack = await startBenchStack({ days });
  try {
    await createCeilingMarksTable(stack.pool);
    const ceilingQueue = `${stack.taskQueue}-ceiling`;
    const ceilingWorker = await stack.spawnNode('ceiling-worker', 'benchmarks/ceiling/worker.ts', { CEILING_TASK_QUEUE: ceilingQueue });
    await until('the ceiling worker to poll', async () => {
      const info = await stack.temporal.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: ceilingQueue }, taskQueueType: 1 });
      return (info.pollers?.length ?? 0) > 0;
    });
    const phases: Phase[] = [];
    // A warm-up batch of each, not counted, so neither phase pays for bundling workflows, opening
    // connections, compiling hot code and filling caches (a single request left the product's first
    // round paying for the JIT: its worker CPU per request was half again that of its second round).
    log(`warm-up: ${WARMUP} requests of each flow, not counted...`);
    await runProductFlow(stack, WARMUP, { concurrency: CONCURRENCY, days });
    await runCeilingFlow(stack, ceilingQueue, WARMUP, { concurrency: CONCURRENCY });

    for (let round = 1; round <= ROUNDS; round++) {
      phases.push(await phase(stack, round, 'product', { temporal: stack.pids.temporal, worker: stack.pids.worker, webhooks: stack.pids.webhooks }, () => runProductFlow(stack, REQUESTS, { concurrency: CONCURRENCY, days })));
      phases.push(await phase(stack, round, 'ceiling', { temporal: stack.pids.temporal, worker: ceilingWorker.pid! }, () => runCeilingFlow(stack, ceilingQueue, REQUESTS, { concurrency: CONCURRENCY })));
    }

    const rows = phases.map((p) => {
      const perRequest = (ms: number | undefined) => (ms === undefined ? NaN : round(ms / p.run.requests));
      return {
        round: p.round,
        flow: p.kind,
        requests: p.run.requests,
        'requests/s': round((p.run.requests * 1000) / p.run.wallMs, 2),
        'p50 s': round(median(p.run.latenciesMs) / 1000, 2),
        'p99 s': round(percentile(p.run.latenciesMs, 99) / 1000, 2),
        'server CPU ms/req': perRequest(p.cpuMs.temporal),
        'worker CPU ms/req': perRequest(p.cpuMs.worker),
        'webhooks CPU ms/req': perRequest(p.cpuMs.webhooks),
        'postgres CPU ms/req': perRequest(p.cpuMs.postgres),
        'stack CPU ms/req': perRequest(Object.values(p.cpuMs).reduce((a, b) => a + b, 0)),
        'events/req': median(p.history.events),
        // The product's requests that won their first booking race: the flow's own shape.
        'events/req, one offer': p.kind === 'product' ? median(p.history.events.filter((_, i) => p.history.offerRounds[i] === 1)) : median(p.history.events),
        'offer rounds max': p.kind === 'product' ? Math.max(...p.history.offerRounds) : 1,
        'KB/req': round(median(p.history.bytes) / 1024, 1),
      };
    });
    printTable('bench:flow — happy path, product vs the ceiling workflow on the same dev server', rows);

    const ratios = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const product = rows.find((r) => r.round === round && r.flow === 'product')!;
      const ceiling = rows.find((r) => r.round === round && r.flow === 'ceiling')!;
      ratios.push({
        round,
        'throughput ratio (product/ceiling)': round2(product['requests/s'] / ceiling['requests/s']),
        'stack CPU ratio (ceiling/product)': round2(ceiling['stack CPU ms/req'] / product['stack CPU ms/req']),
        'server CPU ratio (ceiling/product)': round2(ceiling['server CPU ms/req'] / product['server CPU ms/req']),
        'events (product - ceiling)': product['events/req'] - ceiling['events/req'],
        'events, one offer (product - ceiling)': product['events/req, one offer'] - ceiling['events/req'],
      });
    }
    printTable('ratios (target: throughput ≥ 0.8, events ≤ the ceiling\'s)', ratios);
    await saveResults('flow', { settings: { requests: REQUESTS, concurrency: CONCURRENCY, rounds: ROUNDS }, phases: rows, ratios });
  } finally {
    await stack.stop();
  }
}

const round2 = (v: number) => round(v, 2);

async function phase(stack: BenchStack, roundNo: number, kind: Phase['kind'], pids: Record<string, number>, run: () => Promise<RunResult>): Promise<Phase> {
  log(`round ${roundNo}: ${kind} — ${REQUESTS} requests, ${CONCURRENCY} at a time...`);
  const meter = new CpuMeter(pids);
  const result = await measurePostgres(stack, run);
  const cpu = { ...meter.read(), postgres: result.postgresCpuMs };
  return { round: roundNo, kind, run: result.value, cpuMs: cpu, history: await historySizes(stack, result.value.workflowIds) };
}

/** PostgreSQL's CPU while fn runs: the postmaster with the backends it reaped, and those still alive. */
async function measurePostgres<T>(stack: BenchStack, fn: () => Promise<T>): Promise<{ value: T; postgresCpuMs: number }> {
  const total = () => stack.postgresPids().reduce((sum, pid, i) => sum + cpuMs(pid, { reaped: i === 0 }), 0);
  const before = total();
  const value = await fn();
  return { value, postgresCpuMs: total() - before };
}

runBenchmark(main);
