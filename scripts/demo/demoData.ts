import { createHmac } from 'node:crypto';
import type { Pool } from '../../db/pool';
import { hashToken } from '../../db/queries/accessTokens';

/**
 * The demo's service network: two centres, their areas, product fields, sensitivity classes with
 * handling guidance, technicians with slots for the coming days, and a running promotion. Safe to
 * run at every start: rows are upserted and slots that already exist are skipped.
 */
export const DEMO_CENTRES = [
  { id: 'seoul-gangnam', name: 'Gangnam Service Centre', nameKo: '강남 서비스센터', tz: 'Asia/Seoul', phone: '+8215880101', reply: '+8215880102', whatsapp: '+8215880103', areas: [['06236', 'Gangnam-gu Yeoksam-dong'], ['06164', 'Gangnam-gu Samseong-dong']] },
  { id: 'busan-haeundae', name: 'Haeundae Service Centre', nameKo: '해운대 서비스센터', tz: 'Asia/Seoul', phone: '+8215880201', reply: '+8215880202', whatsapp: '+8215880203', areas: [['48094', 'Haeundae-gu U-dong'], ['48060', 'Haeundae-gu Jung-dong']] },
] as const;

export const DEMO_FIELDS = [
  ['refrigerator', 'Refrigerator'],
  ['washing_machine', 'Washing machine'],
  ['air_conditioner', 'Air conditioner'],
] as const;

const SENSITIVITY = [
  ['standard', 'Standard', 'Greet, explain the repair briefly, tidy up before leaving.', '인사 후 수리 내용을 간단히 설명하고, 떠나기 전 정리하세요.'],
  ['sensitive', 'Sensitive', 'Speak calmly, explain every step before doing it, avoid jargon, never argue about cost on site.', '차분하게 말하고, 작업 전 단계마다 설명하며, 전문 용어를 피하고, 현장에서 비용 논쟁을 하지 마세요.'],
  ['busy', 'Time-pressed', 'Be exactly on time, work quickly, summarise the result in one sentence.', '시간을 정확히 지키고, 신속하게 작업하며, 결과를 한 문장으로 요약하세요.'],
  ['elderly', 'Needs guidance', 'Speak slowly and clearly, show how to use the product after the repair, leave written notes.', '천천히 또렷하게 말하고, 수리 후 사용법을 보여 드리며, 메모를 남기세요.'],
] as const;

export const DEMO_TECHNICIANS = [
  { id: 'tech-kim', name: 'Kim Minjun', centre: 'seoul-gangnam', fields: ['refrigerator', 'washing_machine'], areas: ['06236', '06164'], intro: 'Twelve years on refrigerators and washers; known for explaining what went wrong.' },
  { id: 'tech-lee', name: 'Lee Seoyeon', centre: 'seoul-gangnam', fields: ['refrigerator', 'air_conditioner'], areas: ['06236'], intro: 'Cooling specialist, certified for inverter compressors.' },
  { id: 'tech-park', name: 'Park Jihoon', centre: 'seoul-gangnam', fields: ['washing_machine', 'air_conditioner'], areas: ['06164', '06236'], intro: 'Fast diagnostics, carries common spare parts.' },
  { id: 'tech-choi', name: 'Choi Yuna', centre: 'busan-haeundae', fields: ['refrigerator', 'washing_machine', 'air_conditioner'], areas: ['48094', '48060'], intro: 'All-round technician for the Haeundae area.' },
  { id: 'tech-jung', name: 'Jung Hyunwoo', centre: 'busan-haeundae', fields: ['air_conditioner'], areas: ['48094'], intro: 'Air-conditioning installations and repairs.' },
] as const;

/** A technician's demo app token, derived from a per-installation secret so it is never stored. */
export function demoTechnicianToken(secret: string, technicianId: string): string {
  return createHmac('sha256', secret).update(`technician:${technicianId}`).digest('base64url');
}

export async function seedDemoData(pool: Pool, options: { now: Date; technicianSecret: string; days?: number }): Promise<void> {
  for (const c of DEMO_CENTRES) {
    await pool.query(
      `INSERT INTO service_centres (id, name, time_zone, sender_name, sender_email, sender_phone, reply_phone, supervisor_email, agent_email, whatsapp_sender)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, sender_name = EXCLUDED.sender_name, sender_email = EXCLUDED.sender_email,
         sender_phone = EXCLUDED.sender_phone, reply_phone = EXCLUDED.reply_phone, whatsapp_sender = EXCLUDED.whatsapp_sender`,
      // Each centre sends from its own number and email identity, and is called back on its own line (KR claims 10-11).
      [c.id, c.name, c.tz, c.name, `survey@${c.id}.service.example`, c.phone, c.reply, `supervisor@${c.id}.service.example`, `agent@${c.id}.service.example`, c.whatsapp],
    );
    for (const [code, name] of c.areas) {
      await pool.query(`INSERT INTO areas (code, name, service_centre_id) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING`, [code, name, c.id]);
    }
  }
  for (const [code, name] of DEMO_FIELDS) {
    await pool.query(`INSERT INTO product_fields (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING`, [code, name]);
  }
  for (const [code, label, en, ko] of SENSITIVITY) {
    await pool.query(
      `INSERT INTO sensitivity_classes (code, label, guidance_en, guidance_ko) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`,
      [code, label, en, ko],
    );
  }
  for (const [i, t] of DEMO_TECHNICIANS.entries()) {
    await pool.query(
      `INSERT INTO technicians (id, name, introduction, phone, terminal_channel, service_centre_id, access_token_hash)
       VALUES ($1, $2, $3, $4, 'sms', $5, $6)
       ON CONFLICT (id) DO UPDATE SET access_token_hash = EXCLUDED.access_token_hash`,
      [t.id, t.name, t.intro, `+8210777700${String(i).padStart(2, '0')}`, t.centre, hashToken(demoTechnicianToken(options.technicianSecret, t.id))],
    );
    for (const f of t.fields) await pool.query(`INSERT INTO technician_fields VALUES ($1, $2) ON CONFLICT DO NOTHING`, [t.id, f]);
    for (const a of t.areas) await pool.query(`INSERT INTO technician_areas VALUES ($1, $2) ON CONFLICT DO NOTHING`, [t.id, a]);
    // Two-hour slots around the clock for the coming days, so the demo finds technicians at any hour.
    await pool.query(
      `INSERT INTO technician_slots (technician_id, during)
       SELECT $1, tstzrange(h, h + interval '2 hours')
         FROM generate_series(date_trunc('hour', $2::timestamptz) + interval '1 hour', $2::timestamptz + ($3 || ' days')::interval, interval '2 hours') AS h
       ON CONFLICT DO NOTHING`,
      [t.id, options.now, String(options.days ?? 3)],
    );
  }
  await pool.query(
    `INSERT INTO promotions (id, title_en, title_ko, body_en, body_ko, starts_at, ends_at)
     VALUES ('demo-winter-care', 'Winter care week', '겨울맞이 점검 주간', '20% off filter replacements until the end of the month.', '이달 말까지 필터 교체 20% 할인.', $1::timestamptz - interval '1 day', $1::timestamptz + interval '30 days')
     ON CONFLICT (id) DO UPDATE SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at`,
    [options.now],
  );
}
