import { DateTime } from 'luxon';

/**
 * How long to wait before the customer may be called or messaged: zero inside their allowed
 * hours, else until the window next opens in their own time zone (DST-aware).
 */
export function msUntilContactAllowed(now: Date, timeZone: string, start: string, end: string): number {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const at = (hhmm: string, day: DateTime) => {
    const [h = 0, m = 0] = hhmm.split(':').map(Number);
    // Wall-clock time, not elapsed time: on a DST day 08:00 is not 8 hours after midnight.
    return h === 24 ? day.startOf('day').plus({ days: 1 }) : day.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  };
  const opens = at(start, local);
  const closes = at(end, local);
  if (local >= opens && local < closes) return 0;
  const next = local < opens ? opens : at(start, local.plus({ days: 1 }));
  return Math.max(0, next.toMillis() - local.toMillis());
}
