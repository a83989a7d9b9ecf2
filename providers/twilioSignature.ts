import twilio from 'twilio';

/**
 * Whether a webhook really came from Twilio. `url` must be the public URL Twilio called (the
 * configured base URL plus the original path and query), not the address this process listens on.
 */
export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, unknown>): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

/** The X-Twilio-Signature Twilio would send for this request: used by the demo simulator to play Twilio. */
export function twilioSignatureFor(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
