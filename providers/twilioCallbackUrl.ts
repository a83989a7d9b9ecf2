/**
 * Twilio's connection overrides, as a URL fragment on every callback URL we give it. By default
 * Twilio waits up to 15 s and retries only a failed connection, never a 5xx or a timeout; with
 * these it gives up on a connection after 2 s and on an answer after 4 s, and retries connection
 * failures, read timeouts and 5xx answers up to 3 times within 15 s in all. The fragment is never
 * sent back to us, so it changes nothing in the path or the signed parameters.
 */
export const TWILIO_CONNECTION_OVERRIDES = 'ct=2000&rt=4000&tt=15000&rc=3&rp=ct,rt,5xx';

/**
 * A callback URL for Twilio: the public base URL, the path, what identifies the request (inside the
 * signed URL, so a callback that arrives before we recorded anything still knows where it belongs),
 * and the connection overrides.
 */
export function twilioCallbackUrl(publicBaseUrl: string, path: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${publicBaseUrl}${path}${search ? `?${search}` : ''}#${TWILIO_CONNECTION_OVERRIDES}`;
}
