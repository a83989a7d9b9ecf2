import { DateTime } from 'luxon';
import type { Language } from '../../domain/messageTemplates';

/** A date and time as the customer reads it, in their own zone and language. */
export function formatLocal(at: Date, timeZone: string, language: Language): string {
  return DateTime.fromJSDate(at, { zone: timeZone })
    .setLocale(language === 'ko' ? 'ko-KR' : 'en-GB')
    .toLocaleString(DateTime.DATETIME_MED);
}
