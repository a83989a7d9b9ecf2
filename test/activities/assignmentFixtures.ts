import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import type { ActivityDeps } from '../../activities/deps';
import { hashToken } from '../../db/queries/accessTokens';
import type { Pool } from '../../db/pool';
import { createSandboxGateways } from '../../providers/sandbox';
import { serviceRequestWorkflowId } from '../../workflows/messages';
import type { seedNetwork } from '../support/fixtures';

export type Network = Awaited<ReturnType<typeof seedNetwork>>;

const HOUR = 3_600_000;

export function activityDeps(pool: Pool, clock: () => Date = () => new Date()): ActivityDeps {
  const log = pino({ level: 'silent' });
  return {
    pool,
    gateways: createSandboxGateways(log),
    clock,
    log,
    settings: {
      piiSealingKey: randomBytes(32).toString('base64'),
      publicBaseUrl: 'http://localhost:3000',
      inboundEmailDomain: 'reply.example.com',
      defaultTimeZone: 'Asia/Seoul',
      contactHours: { start: '00:00', end: '24:00' },
      incentivePoints: 100,
    },
  };
}

/** A customer and their request in the network's area and field; the window defaults to the next three days. */
export async function createRequest(
  pool: Pool,
  net: Network,
  options: { window?: { start: Date; end: Date }; language?: 'ko' | 'en'; timeZone?: string; mobile?: string | null; email?: string | null } = {},
): Promise<{ requestId: string; customerId: string }> {
  const requestId = randomUUID();
  const customerId = `cust-${randomBytes(5).toString('hex')}`;
  const window = options.window ?? { start: new Date(Date.now() + HOUR), end: new Date(Date.now() + 72 * HOUR) };
  await pool.query(
    `INSERT INTO customers (id, name, email, mobile, language, time_zone, area_code, sensitivity_class)
     VALUES ($1, 'Kim Minji', $2, $3, $4, $5, $6, 'standard')`,
    [customerId, options.email === undefined ? `${customerId}@example.com` : options.email, options.mobile ?? null, options.language ?? 'en', options.timeZone ?? 'Asia/Seoul', net.areaCode],
  );
  await pool.query(
    `INSERT INTO service_requests (id, workflow_id, customer_id, product_field, fault_description, area_code, service_centre_id, wanted_during)
     VALUES ($1, $2, $3, $4, 'Not cooling', $5, $6, tstzrange($7, $8))`,
    [requestId, serviceRequestWorkflowId(requestId), customerId, net.field, net.areaCode, net.centreId, window.start, window.end],
  );
  return { requestId, customerId };
}

export async function slotsOf(pool: Pool, technicianId: string): Promise<{ id: number; start: Date; end: Date }[]> {
  const { rows } = await pool.query('SELECT id, lower(during) AS s, upper(during) AS e FROM technician_slots WHERE technician_id = $1 ORDER BY lower(during)', [technicianId]);
  return rows.map((r) => ({ id: Number(r.id), start: r.s, end: r.e }));
}

/** Books a slot directly, as another request's reservation would. */
export async function bookSlot(pool: Pool, requestId: string, slotId: number, status: 'active' | 'completed' = 'active') {
  await pool.query(
    `INSERT INTO bookings (request_id, technician_id, slot_id, during, status) SELECT $1, technician_id, id, during, $3 FROM technician_slots WHERE id = $2`,
    [requestId, slotId, status],
  );
}

/** Gives a technician a bearer token for the technicians' endpoint and returns it. */
export async function technicianToken(pool: Pool, technicianId: string): Promise<string> {
  const token = `tt_${randomBytes(16).toString('hex')}`;
  await pool.query('UPDATE technicians SET access_token_hash = $2 WHERE id = $1', [technicianId, hashToken(token)]);
  return token;
}

/** A technician in the network's centre with the given area and field links (for the territory and skill filters). */
export async function addTechnician(pool: Pool, net: Network, options: { area?: string | null; field?: string | null; active?: boolean; slotStart: Date }) {
  const id = `tech-${net.suffix}-x${randomBytes(3).toString('hex')}`;
  await pool.query(
    `INSERT INTO technicians (id, name, introduction, phone, terminal_channel, service_centre_id, access_token_hash, active)
     VALUES ($1, 'Extra technician', 'Extra.', '+821012349999', 'sms', $2, $3, $4)`,
    [id, net.centreId, randomUUID(), options.active ?? true],
  );
  if (options.field !== null) await pool.query('INSERT INTO technician_fields VALUES ($1, $2)', [id, options.field ?? net.field]);
  if (options.area !== null) await pool.query('INSERT INTO technician_areas VALUES ($1, $2)', [id, options.area ?? net.areaCode]);
  await pool.query('INSERT INTO technician_slots (technician_id, during) VALUES ($1, tstzrange($2, $3))', [id, options.slotStart, new Date(options.slotStart.getTime() + 2 * HOUR)]);
  return id;
}

/** Waits for a condition another connection brings about (a lock wait, say), polling the database. */
export async function until(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
