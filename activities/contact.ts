import { msUntilContactAllowed } from '../domain/contactHours';
import type { ContactOptions } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { loadRequestContext } from './requestContext';

/** Which channels may reach the customer: data on file, minus the ones they opted out of. */
export function createContactActivities({ pool, clock, settings }: ActivityDeps) {
  async function contactOptions({ requestId }: { requestId: string }): Promise<ContactOptions> {
    const ctx = await loadRequestContext(pool, requestId);
    return {
      voice: Boolean(ctx.mobile) && !ctx.optedOut.has('voice'),
      sms: Boolean(ctx.mobile) && !ctx.optedOut.has('sms'),
      email: Boolean(ctx.email) && !ctx.optedOut.has('email'),
      preferred: ctx.preferredChannel ?? undefined,
    };
  }

  /** Milliseconds until the customer's allowed contact hours open (0 when they are open now). */
  async function contactHoursWait({ requestId }: { requestId: string }): Promise<number> {
    const ctx = await loadRequestContext(pool, requestId);
    return msUntilContactAllowed(clock(), ctx.timeZone, settings.contactHours.start, settings.contactHours.end);
  }

  return { contactOptions, contactHoursWait };
}
