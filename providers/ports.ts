/**
 * What the rest of the system needs from the outside messaging providers. Each provider module
 * (twilio.ts, sendgrid.ts) implements these with its SDK; sandbox.ts implements them by recording.
 */
export interface OutboundSms {
  to: string;
  from: string;
  body: string;
  statusCallbackUrl?: string;
}

export interface OutboundEmail {
  to: string;
  from: { email: string; name: string };
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  /** Echoed back by the provider's event webhook, so events find their message and request. */
  customArgs?: Record<string, string>;
}

/**
 * A WhatsApp message (Twilio Messages API, `whatsapp:` addresses): free text inside the 24-hour
 * session the customer's last message opened, else an approved template (a Content SID) with its
 * variables ({"1": …, "2": …}). Exactly one of `body` and `template`.
 */
export interface OutboundWhatsapp {
  /** E.164 numbers; the provider module adds the `whatsapp:` prefix. */
  to: string;
  from: string;
  body?: string;
  template?: { contentSid: string; variables: Record<string, string> };
  statusCallbackUrl?: string;
}

/** A keypad survey call; the provider module turns the script into its own call instructions. */
export interface OutboundCall {
  to: string;
  from: string;
  script: {
    language: 'ko' | 'en';
    greeting: string;
    noInput: string;
    /** Where the provider posts the pressed key (1-5 rating, 0 call-back request). */
    gatherUrl: string;
  };
  statusCallbackUrl: string;
  machineDetection: boolean;
}

export interface SmsGateway {
  readonly mode: 'live' | 'sandbox';
  sendSms(message: OutboundSms): Promise<{ providerId: string }>;
}
export interface EmailGateway {
  readonly mode: 'live' | 'sandbox';
  sendEmail(message: OutboundEmail): Promise<{ providerId: string }>;
}
export interface WhatsappGateway {
  readonly mode: 'live' | 'sandbox';
  sendWhatsapp(message: OutboundWhatsapp): Promise<{ providerId: string }>;
}
export interface VoiceGateway {
  readonly mode: 'live' | 'sandbox';
  placeCall(call: OutboundCall): Promise<{ providerId: string }>;
}

export interface Gateways {
  sms: SmsGateway;
  email: EmailGateway;
  voice: VoiceGateway;
  whatsapp: WhatsappGateway;
}

/**
 * A provider refused a message. `permanent` errors (invalid number, blocked or bounced address)
 * will fail the same way again; the others (rate limits, 5xx, timeouts) are worth retrying.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly providerCode?: string | number,
    /**
     * The provider answered and refused, so nothing went out. False when the outcome is unknown
     * (timeout, connection reset): the message may have gone, and sending again could duplicate it.
     */
    readonly refused = providerCode !== undefined,
  ) {
    super(message);
  }
}

/** Sorts an HTTP status from a provider into transient or permanent. */
export function isTransientStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/**
 * Whether an answer proves that nothing was created. A 4xx (including 429, refused before it was
 * accepted) does; a 5xx does not: Twilio documents that a 500 on creating a message or a call may
 * still have created it, and a 502/504 from a gateway says nothing about what happened behind it.
 */
export function provesNothingCreated(status: number): boolean {
  return status < 500;
}

/** How long one call to a provider may take: well inside the send activity's start-to-close. */
export const PROVIDER_REQUEST_TIMEOUT_MS = 20_000;
