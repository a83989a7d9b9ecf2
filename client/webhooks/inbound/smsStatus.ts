import { withdrawConsent, withdrawOptIn } from '../../../db/queries/consent';
import { acceptInbound } from '../../../db/queries/inbox';
import { noteDeliveryError, requestCustomer, sentMessage } from '../../../db/queries/surveyMessages';
import { deliverAfterAnswer, type DeliveryDeps } from '../inbox/deliver';

export interface SmsStatusCallback {
  messageSid: string;
  status: string;
  errorCode: string;
  raw: Record<string, unknown>;
  /** From our (signed) status callback URL: what the message was, even before its outbox row has its id. */
  requestId?: string;
  purpose?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A failed or undelivered SMS or WhatsApp message: the recipient's own opt-out (21610) withdraws
 * consent for that channel, and a failed survey becomes the delivery-failed signal (the workflow
 * tries the other channel). 'unknown' when neither the outbox nor the callback URL says what the
 * message was.
 */
export async function acceptSmsStatus(deps: DeliveryDeps, callback: SmsStatusCallback, channel: 'sms' | 'whatsapp' = 'sms'): Promise<'ignored' | 'unknown' | 'recorded'> {
  if (callback.status !== 'failed' && callback.status !== 'undelivered') return 'ignored';
  const sent = (await sentMessage(deps.pool, callback.messageSid)) ?? (await fromCallbackUrl(deps, callback));
  if (!sent) return 'unknown';
  const { errorCode, status } = callback;
  if (errorCode === '21610' && sent.customerId) {
    // The carrier says this number sent STOP: the stored consent follows.
    if (channel === 'sms') await withdrawConsent(deps.pool, sent.customerId, 'sms', 'carrier: unsubscribed');
    else await withdrawOptIn(deps.pool, sent.customerId, ['whatsapp'], 'twilio: unsubscribed');
  }
  await noteDeliveryError(deps.pool, callback.messageSid, `${status}${errorCode ? ` (${errorCode})` : ''}`);
  if (sent.purpose === 'survey' && sent.requestId) {
    const accepted = await acceptInbound(deps.pool, {
      source: channel === 'sms' ? 'twilio-sms-status' : 'twilio-whatsapp-status',
      eventId: `${callback.messageSid}:${status}`,
      requestId: sent.requestId,
      kind: 'delivery-failed',
      payload: { channel, reason: `${channel} ${status}${errorCode ? ` (twilio ${errorCode})` : ''}`, raw: callback.raw },
    });
    if (accepted.created && accepted.status === 'pending') deliverAfterAnswer(deps, accepted.id);
  }
  return 'recorded';
}

/** What our callback URL says the message was, when its outbox row does not have the provider's id yet. */
async function fromCallbackUrl(deps: DeliveryDeps, callback: SmsStatusCallback) {
  if (!callback.requestId || !UUID.test(callback.requestId)) return undefined;
  const customerId = await requestCustomer(deps.pool, callback.requestId);
  return customerId ? { requestId: callback.requestId, purpose: callback.purpose ?? '', customerId } : undefined;
}
