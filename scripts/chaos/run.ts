import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createPool } from '../../db/pool';
import { seedDemoData } from '../demo/demoData';
import { loadOrCreateDevSecrets } from '../stack/devSecrets';
import { checkInvariants, INVARIANTS, type Invariant, type Violation } from './checks';
import { startDriver } from './driver';
import { startFakeProviders } from './fakeProviders';
import { startChaosStack } from './stack';

export interface ChaosOptions {
  requests: number;
  outageMs: number;
  /** How many times the whole fault plan runs while requests flow. */
  rounds: number;
  replayCopies: number;
  temporalCli: string;
  resultFile?: string;
  log?: (line: string) => void;
  keepData?: boolean;
}

export interface FaultPhase {
  fault: string;
  at: Date;
}

export interface ChaosReport {
  requests: number;
  webhookCalls: number;
  maxWebhookMs: number;
  providerSends: Record<string, number>;
  phases: { fault: string; at: string; violations: Record<Invariant, number> }[];
  totals: Record<Invariant, number>;
  violations: { invariant: Invariant; phase: string; at: string; detail: string }[];
  durationS: number;
}

/**
 * The fault-injection suite: the real processes (dev server, PostgreSQL, two workers, webhook
 * server), requests driven through every branch via the real endpoints, faults injected while they
 * run, then every promise checked in SQL and in Temporal.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sfe-chaos-'));
  const runId = randomBytes(3).toString('hex');
  const secrets = await loadOrCreateDevSecrets(dataDir);
  // A dozen provider sends hang for a while (the timeout fault): the activities give up first.
  const providers = await startFakeProviders({ holdMs: 35_000 });
  const twilioToken = randomBytes(16).toString('hex');
  // Short waits so every branch ends within minutes; same code, only the durations differ.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    PII_SEALING_KEY: secrets.PII_SEALING_KEY,
    OPERATOR_ACCESS_TOKEN: secrets.OPERATOR_ACCESS_TOKEN,
    TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
    TWILIO_AUTH_TOKEN: twilioToken,
    SENDGRID_API_KEY: `SG.${randomBytes(16).toString('hex')}`,
    SENDGRID_INBOUND_SECRET: secrets.SENDGRID_INBOUND_SECRET,
    CHAOS_PROVIDER_URL: providers.url,
    TEMPORAL_TASK_QUEUE: `chaos-${runId}`,
    CONTACT_HOURS_START: '00:00',
    CONTACT_HOURS_END: '24:00',
    TIME_SCALE: '1',
    CHOICE_TIMEOUT: '20s',
    COMPLETION_SLA: '3m',
    CALL_OUTCOME_TIMEOUT: '25s',
    REPLY_WINDOW: '60s',
    REPLY_REMINDER_BEFORE_CLOSE: '25s',
    NO_TECHNICIAN_RETRY_INTERVAL: '5s',
    NO_TECHNICIAN_MAX_ATTEMPTS: '3',
    // The pause between the repair and the survey (once the settle-before-survey change is merged).
    SURVEY_SETTLE_TIME: '5s',
  };
  log(`chaos ${runId}: starting the stack (data in a temporary folder)`);
  const stack = await startChaosStack({ dataDir, temporalCli: o.temporalCli, env, logFile: path.join(dataDir, 'processes.log') });
  const config = loadConfig(stack.env);
  const pool = createPool(stack.databaseUrl, 6);
  let connection: Connection | undefined;
  try {
    await seedDemoData(pool, { now: new Date(), technicianSecret: secrets.TECHNICIAN_TOKEN_SECRET, days: 10 });
    await waitFor('the webhook server to be ready', async () => (await fetch(`${stack.webhookUrl}/health/ready`).catch(() => undefined))?.ok === true, 120_000);
    connection = await Connection.connect({ address: stack.temporalAddress });
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const driver = startDriver({ pool, temporal, config, providers, baseUrl: stack.webhookUrl, secrets: { technician: secrets.TECHNICIAN_TOKEN_SECRET, twilio: twilioToken, inbound: secrets.SENDGRID_INBOUND_SECRET }, runId });

    const phases: FaultPhase[] = [{ fault: 'none (warm-up)', at: new Date() }];
    const phase = (fault: string) => {
      phases.push({ fault, at: new Date() });
      log(`  fault: ${fault}`);
    };
    // Requests are started evenly while the faults happen, so every fault meets requests in flight.
    const plan: [string, () => Promise<unknown>][] = [
      ['provider create-then-504', async () => providers.inject('create-then-504', 'create-then-504')],
      ['provider 429', async () => providers.inject('429', '429', '429')],
      ['provider timeout', async () => providers.inject('timeout')],
      ['kill -9 worker', () => stack.killWorker(0)],
      [`concurrent replays ×${o.replayCopies}`, () => driver.replay(o.replayCopies)],
      ['kill -9 webhook server', () => stack.killWebhooks()],
      [`kill -9 Temporal dev server, ${o.outageMs / 1000} s outage`, () => stack.killTemporal(o.outageMs)],
      [`kill -9 PostgreSQL, ${o.outageMs / 1000} s outage`, () => stack.killPostgres(o.outageMs)],
    ];
    const steps = plan.length * o.rounds;
    const perStep = Math.ceil(o.requests / (steps + 1));
    const startSome = async (n: number) => {
      for (let i = 0; i < n && driver.tracked.size < o.requests; i++) {
        await driver.start().catch((err: Error) => log(`  could not start a request: ${err.message}`));
        await sleep(300);
      }
    };
    await startSome(perStep);
    for (let round = 0; round < o.rounds; round++) {
      for (const [fault, inject] of plan) {
        await sleep(3000);
        phase(fault);
        await inject();
        await startSome(perStep);
      }
    }
    await startSome(o.requests - driver.tracked.size);
    phase('none (settling)');
    log(`  ${driver.tracked.size} requests started; waiting for every one to close`);
    // Every timer in the plan is short: a request still open after this is stuck.
    await waitFor('every request to close', async () => driver.openRequests().length === 0, 6 * 60_000).catch(() => undefined);
    // Stored events left for the relay get a moment to be passed on.
    await sleep(5000);
    await driver.stop();

    const ids = [...driver.tracked.keys()];
    const violations = await checkInvariants({
      pool,
      temporal,
      requestIds: ids,
      calls: driver.calls,
      created: providers.created,
      exits: stack.exits,
      requestStartedAt: (id) => driver.tracked.get(id)?.startedAt ?? new Date(0),
    });
    const report = summarise(phases, violations, {
      requests: ids.length,
      webhookCalls: driver.calls.length,
      maxWebhookMs: Math.max(0, ...driver.calls.filter((c) => c.status !== 'no-connection').map((c) => c.ms)),
      providerSends: { ...providers.counts },
      durationS: Math.round((Date.now() - started) / 1000),
    });
    if (o.resultFile) {
      await mkdir(path.dirname(o.resultFile), { recursive: true });
      await writeFile(o.resultFile, `${JSON.stringify(report, null, 2)}\n`);
    }
    return report;
  } finally {
    await connection?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await stack.stop().catch(() => undefined);
    await providers.close();
    if (!o.keepData) await rm(dataDir, { recursive: true, force: true });
    else log(`  data and process logs kept in ${dataDir}`);
  }
}

function summarise(phases: FaultPhase[], violations: Violation[], totals: Omit<ChaosReport, 'phases' | 'totals' | 'violations'>): ChaosReport {
  const zero = () => Object.fromEntries(Object.keys(INVARIANTS).map((k) => [k, 0])) as Record<Invariant, number>;
  const rows = phases.map((p) => ({ fault: p.fault, at: p.at.toISOString(), violations: zero() }));
  const phaseOf = (at: Date) => {
    let index = 0;
    phases.forEach((p, i) => (p.at <= at ? (index = i) : undefined));
    return index;
  };
  const sum = zero();
  const listed = violations.map((v) => {
    const i = phaseOf(v.at);
    rows[i]!.violations[v.invariant]++;
    sum[v.invariant]++;
    return { invariant: v.invariant, phase: rows[i]!.fault, at: v.at.toISOString(), detail: v.detail };
  });
  return { ...totals, phases: rows, totals: sum, violations: listed };
}

/** The table the suite prints: one row per fault, one column per promise. */
export function formatTable(report: ChaosReport): string {
  const columns = Object.keys(INVARIANTS) as Invariant[];
  const header = ['fault (violations while it was the latest)', ...columns];
  const body = [...report.phases.map((p) => [p.fault, ...columns.map((c) => String(p.violations[c]))]), ['total', ...columns.map((c) => String(report.totals[c]))]];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      requests: { type: 'string' },
      outage: { type: 'string' },
      rounds: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const temporalCli = process.env.TEMPORAL_CLI;
  if (!temporalCli) throw new Error('TEMPORAL_CLI is not set: run `npm run chaos` (it finds or builds the Temporal CLI first)');
  const short = values.short;
  const report = await runChaos({
    requests: Number(values.requests ?? (short ? 40 : 240)),
    outageMs: Number(values.outage ?? (short ? 10 : 30)) * 1000,
    rounds: Number(values.rounds ?? (short ? 1 : 3)),
    replayCopies: short ? 20 : 100,
    temporalCli,
    resultFile: path.resolve(short ? 'benchmarks/results/chaos-short.json' : 'benchmarks/results/chaos.json'),
    keepData: values.keep,
  });
  process.stdout.write(`\n${formatTable(report)}\n\n`);
  process.stdout.write(`${report.requests} requests, ${report.webhookCalls} webhook calls (slowest ${report.maxWebhookMs} ms), provider answers ${JSON.stringify(report.providerSends)}, ${report.durationS} s\n`);
  for (const v of report.violations.slice(0, 40)) process.stdout.write(`  ${v.invariant} [${v.phase}] ${v.detail}\n`);
  const failed = report.violations.length > 0;
  process.stdout.write(failed ? `\n${report.violations.length} violations\n` : '\nevery promise kept\n');
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  });
}
