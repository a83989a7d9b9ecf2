import { describe, expect, it } from 'vitest';
import { msUntilContactAllowed } from '../../domain/contactHours';

const HOUR = 3_600_000;

describe('contact hours in the customer’s own time zone', () => {
  it('inside 08:00-21:00 Seoul time there is no wait', () => {
    expect(msUntilContactAllowed(new Date('2026-11-23T01:00:00Z'), 'Asia/Seoul', '08:00', '21:00')).toBe(0); // 10:00 KST
  });

  it('late at night the wait lasts until 08:00 the next morning', () => {
    expect(msUntilContactAllowed(new Date('2026-11-23T13:30:00Z'), 'Asia/Seoul', '08:00', '21:00')).toBe(9.5 * HOUR); // 22:30 KST
  });

  it('early in the morning the wait lasts until 08:00 the same day', () => {
    expect(msUntilContactAllowed(new Date('2026-11-22T20:00:00Z'), 'Asia/Seoul', '08:00', '21:00')).toBe(3 * HOUR); // 05:00 KST
  });

  it('follows daylight saving time where the customer lives', () => {
    // 2026-03-08 02:00 New York clocks jump to 03:00: from 01:00 local, 08:00 is 6 real hours away.
    expect(msUntilContactAllowed(new Date('2026-03-08T06:00:00Z'), 'America/New_York', '08:00', '21:00')).toBe(6 * HOUR);
  });

  it('00:00-24:00 means always open', () => {
    expect(msUntilContactAllowed(new Date('2026-11-23T14:59:00Z'), 'Asia/Seoul', '00:00', '24:00')).toBe(0);
  });
});
