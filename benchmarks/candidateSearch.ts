/**
 * Candidate-search benchmark: 10,000 technicians and 1,000,000 slot rows in a schema of their own,
 * the production query (db/queries/candidateSearch.ts) run many times with random requests, with
 * and without the search indexes of migration 020. Not a test: run it with `npm run bench:candidates`.
 *
 * DATABASE_URL: use that server (a bench_<random> schema is created and dropped);
 * otherwise an embedded PostgreSQL in a temporary folder is started and removed.
 * BENCH_TECHNICIANS, BENCH_SLOTS_PER_TECHNICIAN (days x 2), BENCH_RUNS tune the size.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import pino from 'pino';
import { CANDIDATE_SEARCH_SQL, candidateSearchParams, searchCandidates, type CandidateSearch } from '../db/queries/candidateSearch';
import { startEmbeddedPostgres } from '../db/embeddedPostgres';
import { freePort } from '../scripts/stack/ports';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TECHNICIANS = intEnv('BENCH_TECHNICIANS', 10_000);
const SLOTS_PER_TECHNICIAN = intEnv('BENCH_SLOTS_PER_TECHNICIAN', 100);
const RUNS = intEnv('BENCH_RUNS', 300);
const CENTRES = 10;
const AREAS = 200;
const FIELDS = 20;
const DAYS = Math.ceil(SLOTS_PER_TECHNICIAN / 2);
const SEARCH_INDEXES = ['technician_slots_open_by_start', 'bookings_held_by_technician'];

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : fallback;
}

const log = (msg: string) => process.stdout.write(`${msg}\n`);

async function main() {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    let url = process.env.DATABASE_URL;
    if (!url) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-pg-'));
      cleanups.unshift(() => rm(dir, { recursive: true, force: true }));
      const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), log: pino({ level: 'warn' }) });
      cleanups.unshift(() => db.stop());
      url = db.url;
      log('embedded PostgreSQL started in a temporary folder');
    }
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    await runner({ databaseUrl: url, dir: path.join(ROOT, 'db/migrations'), direction: 'up', migrationsTable: 'schema_migrations', schema: [schema, 'public'], createSchema: true, checkOrder: true, log: () => undefined });
    const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema},public` });
    cleanups.unshift(async () => {
      if (process.env.BENCH_KEEP !== '1') await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    });
    log(`schema ${schema}: loading ${TECHNICIANS} technicians x ${SLOTS_PER_TECHNICIAN} slots`);
    const loadStarted = Date.now();
    const dataset = await load(pool);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(`loaded in ${loadSeconds.toFixed(1)} s: ${JSON.stringify(dataset)}`);

    const withIndexes = await measure(pool, RUNS);
    const explain = await explainOne(pool);
    log(`with indexes: ${JSON.stringify(withIndexes)}`);
    for (const index of SEARCH_INDEXES) await pool.query(`DROP INDEX ${index}`);
    await pool.query('ANALYZE technician_slots; ANALYZE bookings');
    const withoutIndexes = await measure(pool, Math.min(RUNS, 100));
    const explainWithout = await explainOne(pool);
    log(`without ${SEARCH_INDEXES.join(', ')}: ${JSON.stringify(withoutIndexes)}`);
    log(`\nEXPLAIN (with indexes):\n${explain}`);

    const { rows } = await pool.query('SHOW server_version');
    const results = {
      generatedAt: new Date().toISOString(),
      command: 'npm run bench:candidates',
      postgres: rows[0].server_version,
      node: process.version,
      dataset: { ...dataset, loadSeconds },
      runs: RUNS,
      withIndexes,
      withoutSearchIndexes: { dropped: SEARCH_INDEXES, ...withoutIndexes },
      explain,
      explainWithoutSearchIndexes: explainWithout,
    };
    await mkdir(path.join(ROOT, 'benchmarks/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'benchmarks/results/candidate-search.json'), `${JSON.stringify(results, null, 2)}\n`);
    log('results written to benchmarks/results/candidate-search.json');
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err) => log(`cleanup: ${String(err)}`));
  }
}

/** Set-based generation: every table is filled by one INSERT ... SELECT over generate_series. */
async function load(pool: pg.Pool) {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  await q(`INSERT INTO service_centres (id, name, time_zone, sender_name, sender_email, sender_phone, reply_phone, supervisor_email, agent_email)
           SELECT 'bc-' || c, 'Centre ' || c, 'Asia/Seoul', 'Service', 'service@bench.example', '+8221000000', '+8221000001', 'sup@bench.example', 'agent@bench.example'
             FROM generate_series(0, $1 - 1) c`, [CENTRES]);
  // Area a belongs to centre a % CENTRES.
  await q(`INSERT INTO areas (code, name, service_centre_id) SELECT 'ba-' || a, 'Area ' || a, 'bc-' || (a % $2) FROM generate_series(0, $1 - 1) a`, [AREAS, CENTRES]);
  await q(`INSERT INTO product_fields (code, name) SELECT 'bf-' || f, 'Field ' || f FROM generate_series(0, $1 - 1) f`, [FIELDS]);
  await q(`INSERT INTO sensitivity_classes (code, label, guidance_en, guidance_ko) VALUES ('standard', 'Standard', 'Be polite.', '친절하게.') ON CONFLICT DO NOTHING`);
  // One technician in 50 is inactive, so the filter has something to remove.
  await q(`INSERT INTO technicians (id, name, introduction, phone, terminal_channel, service_centre_id, active, access_token_hash)
           SELECT 'bt-' || t, 'Technician ' || t, 'Bench technician.', '+8210' || lpad(t::text, 8, '0'), 'sms', 'bc-' || (t % $2), t % 50 <> 0, md5('bt-' || t)
             FROM generate_series(0, $1 - 1) t`, [TECHNICIANS, CENTRES]);
  // Three fields and five areas (of their own centre) each.
  await q(`INSERT INTO technician_fields SELECT DISTINCT 'bt-' || t, 'bf-' || ((t * 7 + k * 5 + t / 20) % $2)
             FROM generate_series(0, $1 - 1) t, generate_series(0, 2) k`, [TECHNICIANS, FIELDS]);
  await q(`INSERT INTO technician_areas SELECT DISTINCT 'bt-' || t, 'ba-' || ((t % $2) + $2 * ((t / $2 + k * 3) % ($3 / $2)))
             FROM generate_series(0, $1 - 1) t, generate_series(0, 4) k`, [TECHNICIANS, CENTRES, AREAS]);
  // Two slots a day (09-12 and 13-17 Seoul) from tomorrow on.
  await q(`INSERT INTO technician_slots (technician_id, during)
           SELECT 'bt-' || t, tstzrange(d + make_interval(hours => h), d + make_interval(hours => h + len))
             FROM generate_series(0, $1 - 1) t, generate_series(1, $2) day,
                  (VALUES (0, 3), (4, 4)) v(h, len),
                  LATERAL (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + make_interval(days => day) AS d) x
            LIMIT $1 * $3`, [TECHNICIANS, DAYS, SLOTS_PER_TECHNICIAN]);
  // A fifth of the slots are booked by requests of their own; a twentieth of those were rated.
  await q(`INSERT INTO customers (id, name, language, time_zone, area_code, sensitivity_class)
           SELECT 'bcu-' || i, 'Customer ' || i, 'ko', 'Asia/Seoul', 'ba-' || (i % $1), 'standard' FROM generate_series(0, 999) i`, [AREAS]);
  await q(`CREATE TEMP TABLE picked AS SELECT id AS slot_id, technician_id, during, gen_random_uuid() AS request_id FROM technician_slots WHERE id % 5 = 0`);
  await q(`INSERT INTO service_requests (id, workflow_id, customer_id, product_field, fault_description, area_code, service_centre_id, wanted_during)
           SELECT request_id, 'bench-' || request_id, 'bcu-' || (slot_id % 1000), 'bf-0', 'bench', 'ba-0', 'bc-0', during FROM picked`);
  await q(`INSERT INTO bookings (request_id, technician_id, slot_id, during) SELECT request_id, technician_id, slot_id, during FROM picked`);
  await q(`INSERT INTO survey_replies (request_id, channel, rating, category, received_at)
           SELECT request_id, 'web', 1 + (slot_id / 5) % 5, 'satisfied', now() FROM picked WHERE slot_id % 100 = 0`);
  await q('DROP TABLE picked');
  await q('ANALYZE');
  const counts = await q(`SELECT (SELECT count(*) FROM technicians)::int AS technicians, (SELECT count(*) FROM technician_slots)::int AS slots,
                                 (SELECT count(*) FROM bookings)::int AS bookings, (SELECT count(*) FROM survey_replies)::int AS "surveyReplies"`);
  return { ...counts.rows[0], areas: AREAS, fields: FIELDS, centres: CENTRES };
}

/** A random request: any field and area, a one-to-three-day window somewhere in the registered days. */
function randomSearch(): CandidateSearch {
  const dayMs = 86_400_000;
  const today = Math.floor(Date.now() / dayMs) * dayMs;
  const startDay = 1 + Math.floor(Math.random() * Math.max(1, DAYS - 3));
  const start = new Date(today + startDay * dayMs);
  return {
    field: `bf-${Math.floor(Math.random() * FIELDS)}`,
    areaCode: `ba-${Math.floor(Math.random() * AREAS)}`,
    window: { start, end: new Date(start.getTime() + (1 + Math.floor(Math.random() * 3)) * dayMs) },
    now: new Date(),
    limit: 5,
  };
}

async function measure(pool: pg.Pool, runs: number) {
  for (let i = 0; i < 20; i++) await searchCandidates(pool, randomSearch()); // warm the cache and the plan
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    found += (await searchCandidates(pool, randomSearch())).length;
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => round(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!);
  return { runs, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: round(times[times.length - 1]!), meanMs: round(times.reduce((a, b) => a + b, 0) / times.length), meanCandidates: round(found / runs) };
}

async function explainOne(pool: pg.Pool): Promise<string> {
  const search = { ...randomSearch(), field: 'bf-3', areaCode: 'ba-13' };
  const { rows } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${CANDIDATE_SEARCH_SQL}`, candidateSearchParams(search));
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

const round = (n: number) => Math.round(n * 100) / 100;


main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
