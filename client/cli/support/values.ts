import { UsageError } from './cli';

/** Flag values checked one by one, each failure naming its flag. */

export function requiredText(flag: string, value: string | undefined, maxLength = 200): string {
  const text = value?.trim();
  if (!text) throw new UsageError(`--${flag} is required`);
  if (text.length > maxLength) throw new UsageError(`--${flag} must be at most ${maxLength} characters`);
  return text;
}

export function optionalText(flag: string, value: string | undefined, maxLength = 200): string | undefined {
  return value === undefined ? undefined : requiredText(flag, value, maxLength);
}

export function positiveInteger(flag: string, value: string | undefined): number {
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  // The ledger and task ids are PostgreSQL int/bigint; beyond 2^31-1 points is a typo, not an order.
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) throw new UsageError(`--${flag} must be a positive whole number, got "${value}"`);
  return n;
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is refused, not rolled over). */
export function calendarDate(flag: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`--${flag} is required (YYYY-MM-DD)`);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!match || !date || date.getUTCFullYear() !== Number(match[1]) || date.getUTCMonth() !== Number(match[2]) - 1 || date.getUTCDate() !== Number(match[3])) {
    throw new UsageError(`--${flag} must be a date written YYYY-MM-DD, got "${value}"`);
  }
  return value.trim();
}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}
