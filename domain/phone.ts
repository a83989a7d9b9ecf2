import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Normalises a phone number to E.164, reading national numbers in the customer's country. */
export function toE164(raw: string, defaultCountry: CountryCode = 'KR'): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  return parsed?.isValid() ? parsed.number : undefined;
}

export function isMobile(e164: string): boolean {
  const type = parsePhoneNumberFromString(e164)?.getType();
  // Many countries cannot tell mobile from fixed line by number alone; those still get SMS.
  return type === undefined || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}
