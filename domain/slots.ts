import { DateTime } from 'luxon';

/** Input a technician or an operator typed that cannot become a slot; the message names the problem. */
export class SlotInputError extends Error {
  override name = 'SlotInputError';
}

export interface SlotRange {
  /** As the technician wrote it, e.g. "09:00-11:00", for messages. */
  label: string;
  start: Date;
  end: Date;
}

const SPEC = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isTimeZone(tz: string): boolean {
  return DateTime.local().setZone(tz).isValid;
}

/**
 * "09:00-11:00" on a local date in a time zone, as instants. Local wall-clock times, so a slot on
 * a daylight-saving day is still the hours the technician meant; "24:00" ends at the next midnight.
 */
export function slotOnDate(date: string, spec: string, timeZone: string): SlotRange {
  if (!DATE.test(date) || !DateTime.fromISO(date).isValid) throw new SlotInputError(`date "${date}" is not a date (YYYY-MM-DD)`);
  if (!isTimeZone(timeZone)) throw new SlotInputError(`time zone "${timeZone}" is not an IANA time zone such as Asia/Seoul`);
  const m = SPEC.exec(spec);
  if (!m) throw new SlotInputError(`slot "${spec}" is not HH:MM-HH:MM (24-hour clock)`);
  const day = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  const from = day.set({ hour: Number(m[1]), minute: Number(m[2]) });
  const to = m[3] === '24:00' ? day.plus({ days: 1 }) : day.set({ hour: Number(m[4]), minute: Number(m[5]) });
  if (to <= from) throw new SlotInputError(`slot "${spec}" ends before it starts`);
  return { label: spec, start: from.toJSDate(), end: to.toJSDate() };
}

/** Slots of one registration checked against each other before any of them is written. */
export function slotsOnDate(date: string, specs: string[], timeZone: string, now: Date): SlotRange[] {
  if (specs.length === 0) throw new SlotInputError('at least one slot is required');
  const ranges = specs.map((s) => slotOnDate(date, s, timeZone));
  for (const r of ranges) {
    if (r.start <= now) throw new SlotInputError(`slot ${r.label} on ${date} starts in the past`);
  }
  const sorted = [...ranges].sort((a, b) => a.start.getTime() - b.start.getTime());
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.end) throw new SlotInputError(`slots ${prev.label} and ${cur.label} overlap each other`);
  }
  return ranges;
}

/** "09:00-11:00" in the zone, with the date in front when it is not the given one. */
export function formatSlot(start: Date, end: Date, timeZone: string, onDate?: string): string {
  const s = DateTime.fromJSDate(start, { zone: timeZone });
  const e = DateTime.fromJSDate(end, { zone: timeZone });
  const endsAtMidnight = e.hour === 0 && e.minute === 0 && e.minus({ days: 1 }).hasSame(s, 'day');
  const endLabel = endsAtMidnight ? '24:00' : e.hasSame(s, 'day') ? e.toFormat('HH:mm') : e.toFormat('yyyy-MM-dd HH:mm');
  const startLabel = onDate === undefined || s.toISODate() === onDate ? s.toFormat('HH:mm') : s.toFormat('yyyy-MM-dd HH:mm');
  return `${startLabel}-${endLabel}`;
}
