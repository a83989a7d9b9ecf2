import { z } from 'zod';

const EmailAddress = z.email().max(254);

/** An email address typed into a form field: the whole field must be one address; stored lower-case. */
export function emailAddressField(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const candidate = raw.normalize('NFKC').trim().toLowerCase();
  return EmailAddress.safeParse(candidate).success ? candidate : undefined;
}
