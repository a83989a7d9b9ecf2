import { DateTime } from 'luxon';
import { render, type Language } from '../messageTemplates';

/**
 * A message that carries a promotion is an advertisement (정보통신망법 제50조). It may go only to a
 * customer who consented to marketing, and between 21:00 and 08:00 in their own zone only with a
 * separate consent for that. These hours are the law's, not the configurable contact hours.
 */
export const AD_NIGHT = { startsHour: 21, endsHour: 8 } as const;

export type AdvertisingConsent = { marketing: boolean; marketingAtNight: boolean };
export type AdvertisingVerdict = 'allowed' | 'no_marketing_consent' | 'night_without_consent';

export function isAdNight(now: Date, timeZone: string): boolean {
  const hour = DateTime.fromJSDate(now, { zone: timeZone }).hour;
  return hour >= AD_NIGHT.startsHour || hour < AD_NIGHT.endsHour;
}

/** Whether an advertisement may go to this customer now. */
export function advertisingVerdict(now: Date, timeZone: string, consent: AdvertisingConsent): AdvertisingVerdict {
  if (!consent.marketing) return 'no_marketing_consent';
  if (isAdNight(now, timeZone) && !consent.marketingAtNight) return 'night_without_consent';
  return 'allowed';
}

export interface AdvertisementParts {
  language: Language;
  /** Who sends it (the centre's name) and how to reach them (its reply line). */
  sender: string;
  contact: string;
  /** The message without the promotion, and the promotion's notice. */
  message: string;
  promotion: string;
  /** Where the customer stops advertisements free of charge (a link). */
  optOutLink: string;
}

/**
 * The message as an advertisement: it starts with "(광고)" ("(Ad)") and the sender's name and
 * contact, and it ends with how to refuse further advertisements free of charge (무료수신거부).
 */
export function advertisementText(parts: AdvertisementParts, kind: 'sms' | 'email' | 'whatsapp'): string {
  const { language } = parts;
  const header = render(language, 'adHeader', { sender: parts.sender, contact: parts.contact });
  const optOut = render(language, kind === 'email' ? 'adOptOutEmail' : 'adOptOutSms', { link: parts.optOutLink });
  const gap = kind === 'email' ? '\n\n' : '\n';
  return [header, parts.message.trim(), parts.promotion.trim(), optOut].join(gap);
}

/** An advertising email's subject starts with "(광고)" ("(Ad)") too. */
export function advertisementSubject(language: Language, subject: string): string {
  return `${render(language, 'adSubjectPrefix', {})}${subject}`;
}
