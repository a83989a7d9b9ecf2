import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from '../../db/pool';

/**
 * A small service network of its own for each test: one centre, one area, one field, technicians
 * with slots. Ids carry a random suffix so test files running at once never collide.
 */
export interface CentreSenders {
  name: string;
  senderName: string;
  senderEmail: string;
  senderPhone: string;
  replyPhone: string;
}

const GANGNAM: CentreSenders = { name: 'Gangnam Service Centre', senderName: 'Gangnam Service', senderEmail: 'service@centre.example', senderPhone: '+82215880001', replyPhone: '+82215880002' };

export async function seedNetwork(pool: Pool, options: { technicians?: number; slotsPerTechnician?: number; slotStart?: Date; centre?: CentreSenders } = {}) {
  const s = randomBytes(4).toString('hex');
  const centreId = `centre-${s}`;
  const areaCode = `area-${s}`;
  const field = `field-${s}`;
  const centre = options.centre ?? GANGNAM;
  await pool.query(
    `INSERT INTO service_centres (id, name, time_zone, sender_name, sender_email, sender_phone, reply_phone, supervisor_email, agent_email)
     VALUES ($1, $2, 'Asia/Seoul', $3, $4, $5, $6, 'supervisor@centre.example', 'agent@centre.example')`,
    [centreId, centre.name, centre.senderName, centre.senderEmail, centre.senderPhone, centre.replyPhone],
  );
  await pool.query(`INSERT INTO areas (code, name, service_centre_id) VALUES ($1, 'Gangnam-gu', $2)`, [areaCode, centreId]);
  await pool.query(`INSERT INTO product_fields (code, name) VALUES ($1, 'Refrigerator')`, [field]);
  await pool.query(
    `INSERT INTO sensitivity_classes (code, label, guidance_en, guidance_ko) VALUES ('standard', 'Standard', 'Be polite and explain the repair.', '친절하게 수리 내용을 설명하세요.') ON CONFLICT DO NOTHING`,
  );
  const technicianIds: string[] = [];
  const slotStart = options.slotStart ?? new Date(Date.now() + 86_400_000);
  for (let i = 0; i < (options.technicians ?? 2); i++) {
    const id = `tech-${s}-${i}`;
    technicianIds.push(id);
    await pool.query(
      `INSERT INTO technicians (id, name, introduction, phone, terminal_channel, service_centre_id, access_token_hash)
       VALUES ($1, $2, 'Ten years of refrigerator repairs.', '+821012340000', 'sms', $3, $4)`,
      [id, `Technician ${i}`, centreId, randomUUID()],
    );
    await pool.query('INSERT INTO technician_fields VALUES ($1, $2)', [id, field]);
    await pool.query('INSERT INTO technician_areas VALUES ($1, $2)', [id, areaCode]);
    for (let k = 0; k < (options.slotsPerTechnician ?? 2); k++) {
      const from = new Date(slotStart.getTime() + k * 3 * 3_600_000);
      await pool.query(`INSERT INTO technician_slots (technician_id, during) VALUES ($1, tstzrange($2, $3))`, [id, from, new Date(from.getTime() + 2 * 3_600_000)]);
    }
  }
  return { suffix: s, centreId, areaCode, field, technicianIds };
}
