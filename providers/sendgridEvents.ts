import { EventWebhook } from '@sendgrid/eventwebhook';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * Verifies SendGrid's signed Event Webhook (ECDSA P-256 over timestamp + raw body). The key is the
 * verification key from the Mail Settings page: base64 DER, with or without PEM armour.
 */
export function createSendGridEventVerifier(publicKey: string) {
  const webhook = new EventWebhook();
  const key = webhook.convertPublicKeyToECDSA(publicKey);
  return (rawBody: Buffer, signature: string | undefined, timestamp: string | undefined): boolean => {
    if (!signature || !timestamp) return false;
    try {
      return webhook.verifySignature(key, rawBody, signature, timestamp);
    } catch {
      return false; // a malformed signature is simply not a valid one
    }
  };
}
