import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';

export const TWILIO_TEST_ACCOUNT = 'AC00000000000000000000000000000001';
export const TWILIO_TEST_TOKEN = 'fake-auth-token';

/** The SDK's own HTTP client, with api.twilio.com swapped for a local fake (and, if given, a short timeout). */
export class LocalRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeoutMs?: number,
  ) {
    super(timeoutMs ? { timeout: timeoutMs } : {});
  }
  override request<T>(opts: RequestOptions<T>) {
    return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[a-z.]*twilio\.com/, this.baseUrl) });
  }
}
