import { twilioCallbackUrl } from '../providers/twilioCallbackUrl';
import type { ActivityDeps } from './deps';
import { permanentDeliveryFailure, unlessUndeliverable } from './errors';
import { sendToCustomer, type CustomerMessage } from './messaging/customerMessage';
import { whatsappSessionOpen } from '../db/queries/whatsapp';
import { formatLocal } from './messaging/format';
import { sendOnce } from './messaging/outbox';
import { render } from '../domain/messageTemplates';
import { advertisementSubject, advertisementText } from '../domain/promotions/advertisement';
import { promotionFor } from './messaging/promotion';
import { issueToken } from '../db/queries/accessTokens';
import { ensureReplyCode } from '../db/queries/replyCodes';
import { loadRequestContext, type RequestContext } from './requestContext';

/** When the survey's reply window closes: at a fixed time, or a length from when it is sent. */
interface SurveyWindowArgs {
  replyWindowClosesAt?: string;
  replyWindowMs?: number;
}
type SurveySend = { requestId: string; attempt: number } & SurveyWindowArgs;

/** Opt-out links keep working long after the survey closed: refusing is never refused for being late. */
const OPT_OUT_LINK_LIFETIME_MS = 365 * 86_400_000;

/**
 * Stages 4-6 outbound: the keypad survey call, the survey by email, SMS or WhatsApp with the web form link
 * and the running promotion (KR claims 6-13), and the reminder before the reply window closes.
 */
export function createSurveyActivities(deps: ActivityDeps) {
  const { pool, gateways, clock, log, settings } = deps;
  const url = (path: string) => `${settings.publicBaseUrl}${path}`;
  /** The survey's links expire with the reply window, counted from this send when its length is given. */
  const windowClose = (w: SurveyWindowArgs) => (w.replyWindowMs !== undefined ? new Date(clock().getTime() + w.replyWindowMs) : new Date(w.replyWindowClosesAt ?? clock()));

  async function placeSurveyCall({ requestId, attempt }: { requestId: string; attempt: number }) {
    const ctx = await loadRequestContext(pool, requestId);
    if (!ctx.mobile || ctx.optedOut.has('voice')) throw permanentDeliveryFailure('no phone number or no consent for calls');
    const vars = { centre: ctx.centre.name };
    const result = await sendOnce(
      pool,
      log,
      { idempotencyKey: `${ctx.workflowId}:survey-call:${attempt}`, requestId, channel: 'voice', purpose: 'survey-call', recipient: ctx.mobile, sender: ctx.centre.replyPhone, body: { language: ctx.language }, mode: gateways.voice.mode },
      () =>
        gateways.voice.placeCall({
          to: ctx.mobile!,
          from: ctx.centre.replyPhone,
          script: {
            language: ctx.language,
            greeting: render(ctx.language, 'ivrGreeting', vars),
            noInput: render(ctx.language, 'ivrNoInput', vars),
            gatherUrl: twilioCallbackUrl(settings.publicBaseUrl, '/webhooks/twilio/voice/gather', { requestId }),
          },
          // The request id rides in the signed URL: a callback that beats the call_attempts row still finds its request.
          statusCallbackUrl: twilioCallbackUrl(settings.publicBaseUrl, '/webhooks/twilio/voice/status', { requestId }),
          machineDetection: true,
        }),
    );
    if (!result.providerId) {
      // An earlier attempt died mid-call: without its SID no call webhook can find this request,
      // so the phone stage counts as unanswered and the survey goes by message.
      throw permanentDeliveryFailure('the survey call was placed, but its outcome cannot be followed');
    }
    // The call SID is how the voice webhooks find this request again.
    await pool.query('INSERT INTO call_attempts (call_sid, request_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [result.providerId, requestId]);
    return { callSid: result.providerId };
  }

  async function surveyLinks(ctx: RequestContext, closesAt: Date) {
    const formToken = await issueToken(pool, 'survey', ctx.requestId, ctx.customerId, closesAt);
    return { form: url(`/survey/${formToken}`) };
  }

  /**
   * The survey as it goes out: with the running promotion it is an advertisement (starts with
   * "(광고)"/"(Ad)", names the centre and its line, ends with the free opt-out link); without one
   * (none running, no marketing consent, night without night consent) it is the survey alone.
   */
  async function withPromotion(ctx: RequestContext, message: string, kind: 'sms' | 'email', closesAt: Date): Promise<{ text: string; advertisement: boolean }> {
    const promotion = await promotionFor(deps, ctx);
    if (!promotion) return { text: message, advertisement: false };
    const optOutToken = await issueToken(pool, 'unsubscribe', ctx.requestId, ctx.customerId, new Date(closesAt.getTime() + OPT_OUT_LINK_LIFETIME_MS));
    const text = advertisementText(
      { language: ctx.language, sender: ctx.centre.name, contact: ctx.centre.replyPhone, message, promotion: promotion.notice, optOutLink: url(`/ads/opt-out/${optOutToken}`) },
      kind,
    );
    return { text, advertisement: true };
  }

  async function sendSurveySms({ requestId, attempt, ...window }: SurveySend) {
    const ctx = await loadRequestContext(pool, requestId);
    if (!ctx.mobile || ctx.optedOut.has('sms')) throw permanentDeliveryFailure('no mobile number or no consent for SMS');
    const closesAt = windowClose(window);
    const links = await surveyLinks(ctx, closesAt);
    const survey = render(ctx.language, 'surveySms', {
      centre: ctx.centre.name,
      product: ctx.product,
      link: links.form,
      // The reply code names this request in an SMS answer, however many surveys are open.
      code: await ensureReplyCode(pool, requestId),
      replyPhone: ctx.centre.replyPhone,
      askEmail: ctx.emailRequested ? render(ctx.language, 'askEmailSms', {}) : '',
    });
    const { text } = await withPromotion(ctx, survey, 'sms', closesAt);
    await sendToCustomer(deps, ctx, { channel: 'sms', idempotencyKey: `${ctx.workflowId}:survey-sms:${attempt}`, purpose: 'survey', text, statusCallbackUrl: twilioCallbackUrl(settings.publicBaseUrl, '/webhooks/twilio/sms/status', { requestId, purpose: 'survey' }) });
  }

  /**
   * The survey on WhatsApp (US claim 27: messenger). Inside the 24-hour session the customer's last
   * message opened it is the SMS text; outside it the first message must be the approved template
   * (centre, product, link), and without one configured it cannot go (the next channel is tried).
   * Never with a promotion: the survey template is a service (utility) template.
   */
  async function sendSurveyWhatsapp({ requestId, attempt, ...window }: SurveySend) {
    const ctx = await loadRequestContext(pool, requestId);
    const closesAt = windowClose(window);
    const inSession = await whatsappSessionOpen(pool, ctx.customerId, clock());
    const templateSid = settings.whatsappTemplates?.survey;
    if (!inSession && !templateSid) throw permanentDeliveryFailure('WhatsApp outside the 24-hour session needs an approved survey template');
    const links = await surveyLinks(ctx, closesAt);
    const message = {
      channel: 'whatsapp' as const,
      idempotencyKey: `${ctx.workflowId}:survey-whatsapp:${attempt}`,
      purpose: 'survey',
      statusCallbackUrl: twilioCallbackUrl(settings.publicBaseUrl, '/webhooks/twilio/whatsapp/status', { requestId, purpose: 'survey' }),
    };
    const code = await ensureReplyCode(pool, requestId);
    const text = render(ctx.language, 'surveySms', { centre: ctx.centre.name, product: ctx.product, link: links.form, code, replyPhone: ctx.centre.replyPhone, askEmail: '' });
    await sendToCustomer(
      deps,
      ctx,
      inSession ? { ...message, text } : { ...message, text, template: { contentSid: templateSid!, variables: { '1': ctx.centre.name, '2': ctx.product, '3': links.form } } },
    );
  }

  async function sendSurveyEmail({ requestId, attempt, ...window }: SurveySend) {
    const ctx = await loadRequestContext(pool, requestId);
    if (!ctx.email || ctx.optedOut.has('email')) throw permanentDeliveryFailure('no email address or no consent for email');
    const closesAt = windowClose(window);
    const links = await surveyLinks(ctx, closesAt);
    const replyToken = await issueToken(pool, 'email-reply', ctx.requestId, ctx.customerId, closesAt);
    const unsubscribeToken = await issueToken(pool, 'unsubscribe', ctx.requestId, ctx.customerId, new Date(closesAt.getTime() + OPT_OUT_LINK_LIFETIME_MS));
    const vars = { centre: ctx.centre.name, product: ctx.product, name: ctx.customerName, points: settings.incentivePoints, link: links.form, replyPhone: ctx.centre.replyPhone };
    const survey = [
      render(ctx.language, 'surveyEmailIntro', vars),
      render(ctx.language, 'surveyEmailItems', vars),
      render(ctx.language, 'surveyEmailHow', vars),
    ].join('\n\n');
    const { text, advertisement } = await withPromotion(ctx, survey, 'email', closesAt);
    const subject = render(ctx.language, 'surveyEmailSubject', vars);
    const unsubscribeUrl = url(`/unsubscribe/${unsubscribeToken}`);
    await sendToCustomer(deps, ctx, {
      channel: 'email',
      idempotencyKey: `${ctx.workflowId}:survey-email:${attempt}`,
      purpose: 'survey',
      subject: advertisement ? advertisementSubject(ctx.language, subject) : subject,
      text,
      replyTo: `reply+${replyToken}@${settings.inboundEmailDomain}`,
      // RFC 8058 one-click unsubscribe: mail clients POST to the URL without opening a page.
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  }

  async function sendReplyReminder({ requestId, channel }: { requestId: string; channel: 'email' | 'sms' | 'whatsapp' }) {
    const ctx = await loadRequestContext(pool, requestId);
    const { rows } = await pool.query(
      `SELECT max(expires_at) AS closes_at FROM access_tokens WHERE request_id = $1 AND purpose = 'survey'`,
      [requestId],
    );
    const closesAt: Date = rows[0]?.closes_at ?? clock();
    const links = await surveyLinks(ctx, closesAt);
    const vars = {
      centre: ctx.centre.name,
      product: ctx.product,
      name: ctx.customerName,
      deadline: formatLocal(closesAt, ctx.timeZone, ctx.language),
      link: links.form,
      code: await ensureReplyCode(pool, requestId),
    };
    const key = `${ctx.workflowId}:reminder-${channel}:1`;
    const message: CustomerMessage =
      channel === 'email'
        ? {
            channel,
            idempotencyKey: key,
            purpose: 'reminder',
            subject: render(ctx.language, 'reminderEmailSubject', vars),
            text: render(ctx.language, 'reminderEmailText', vars),
            // Customers answer the mail in front of them: a reply to the reminder reaches the request
            // like a reply to the survey (not the centre's sender mailbox).
            replyTo: `reply+${await issueToken(pool, 'email-reply', ctx.requestId, ctx.customerId, closesAt)}@${settings.inboundEmailDomain}`,
          }
        : { channel, idempotencyKey: key, purpose: 'reminder', text: render(ctx.language, 'reminderSms', vars) };
    if (channel === 'whatsapp' && !(await whatsappSessionOpen(pool, ctx.customerId, clock()))) {
      // Outside the session only an approved template may go; without one there is no reminder.
      const templateSid = settings.whatsappTemplates?.reminder;
      if (!templateSid) {
        log.info({ requestId }, 'no WhatsApp reminder: outside the 24-hour session and no reminder template');
        return;
      }
      message.template = { contentSid: templateSid, variables: { '1': ctx.centre.name, '2': ctx.product, '3': vars.deadline, '4': links.form } };
    }
    // The customer may have opted out or bounced since the survey went out; the window stays open.
    await unlessUndeliverable(log, 'reply reminder', () => sendToCustomer(deps, ctx, message));
  }

  return { placeSurveyCall, sendSurveySms, sendSurveyEmail, sendSurveyWhatsapp, sendReplyReminder };
}
