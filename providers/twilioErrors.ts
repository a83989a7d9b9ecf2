import { DeliveryError, isTransientStatus, provesNothingCreated } from './ports';

/**
 * Twilio error codes that mean this recipient will never take the message, whatever the status:
 * invalid or unreachable number, not a mobile, opted out (STOP), blocked by geo permissions.
 */
const PERMANENT_CODES = new Set([21211, 21214, 21217, 21219, 21401, 21407, 21408, 21610, 21612, 21614, 21215, 13224, 13225, 13227]);

/** Sorts anything the Twilio SDK threw into a retryable or a permanent delivery error. */
export function twilioDeliveryError(err: unknown): DeliveryError {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const code = typeof e?.code === 'number' ? e.code : undefined;
  // Twilio's messages repeat the phone number; only status and code travel on (into workflow
  // histories and logs), never the text.
  const kind = err instanceof Error ? err.name : 'error';
  // Without an HTTP status the request never got an answer (timeout, reset): the outcome is unknown.
  if (status === undefined) return new DeliveryError(`twilio: no answer (${kind}${code ? ` ${code}` : ''})`, false, code, false);
  const permanent = (code !== undefined && PERMANENT_CODES.has(code)) || !isTransientStatus(status);
  // A 5xx may come after the message or call was created: like a timeout, its outcome is unknown.
  return new DeliveryError(`twilio ${status}${code ? ` (${code})` : ''}`, permanent, code ?? status, provesNothingCreated(status));
}
