import { inTransaction } from '../../../db/pool';
import { openInboundTask } from '../../../db/queries/agentTasks';
import { withdrawConsent } from '../../../db/queries/consent';
import { customerByMobile } from '../../../db/queries/customers';
import { acceptInbound } from '../../../db/queries/inbox';
import { attachRecording, calledAbout, centreByPhone, noteRecordingStatus, requestOfCaller, type CalledAbout, type RecordingReference } from '../../../db/queries/inboundCalls';
import { openRequestByReplyCode } from '../../../db/queries/replyCodes';
import { render, type Language } from '../../../domain/messageTemplates';
import { toE164 } from '../../../domain/phone';
import { twilioCallbackUrl } from '../../../providers/twilioCallbackUrl';
import { inboundGatherTwiml, recordMessageTwiml, sayAndHangUpTwiml } from '../../../providers/twilioTwiml';
import { deliverAfterAnswer, type DeliveryDeps } from '../inbox/deliver';

/** The customer's call to the centre's number (KR claim 18; US 31: the reply number is the centre's ARS line). */
export const INBOUND_CALL_PATH = '/webhooks/twilio/voice/incoming';

export interface InboundCallDeps extends DeliveryDeps {
  publicBaseUrl: string;
}

/** What every step of the call gets from Twilio: the call, who calls, which number they called. */
export interface CallStep {
  callSid: string;
  from: string;
  to: string;
  raw: Record<string, unknown>;
}

/** A reply code may be tried twice; then the call is kept for a person. */
const CODE_ATTEMPTS = 2;
/** A menu with a wrong key is said twice; then goodbye. */
const MENU_ATTEMPTS = 2;

const SOURCE = 'twilio-voice-inbound';

/**
 * The call comes in. A caller whose number is on file and who has one request (or only closed
 * ones) hears the menu in their language; anyone else keys the reply code from our SMS.
 */
export async function answerIncomingCall(deps: InboundCallDeps, step: CallStep): Promise<string> {
  const caller = await customerByMobile(deps.pool, toE164(step.from) ?? step.from);
  const requestId = caller ? await requestOfCaller(deps.pool, caller.customerId) : undefined;
  await record(deps, step, 'incoming', requestId ?? null, { step: 'incoming', identifiedBy: requestId ? 'number' : 'none', knownCaller: Boolean(caller) });
  const about = requestId ? await calledAbout(deps.pool, requestId) : undefined;
  if (about) return menu(deps, about, 1);
  return askForCode(deps, step, caller?.language, 1);
}

/** The caller keyed a reply code (or nothing). */
export async function answerCode(deps: InboundCallDeps, step: CallStep, digits: string, attempt: number): Promise<string> {
  const code = digits.replace(/[^0-9]/g, '');
  const requestId = (await openRequestByReplyCode(deps.pool, code)) ?? null;
  const inboxId = await record(deps, step, `code:${attempt}`, requestId, { step: 'code', found: requestId !== null });
  const about = requestId ? await calledAbout(deps.pool, requestId) : undefined;
  if (about) return menu(deps, about, 1);
  const caller = await customerByMobile(deps.pool, toE164(step.from) ?? step.from);
  if (attempt < CODE_ATTEMPTS) return askForCode(deps, step, caller?.language, attempt + 1);
  const centre = await centreByPhone(deps.pool, toE164(step.to) ?? step.to);
  await openInboundTask(deps.pool, {
    inboxId,
    kind: 'unknown_caller',
    centreId: centre?.id ?? null,
    // The agent calls them back: the number is what the task is for.
    summary: caller
      ? `customer ${caller.customerId} called from ${step.from} and keyed no valid reply code for one of their open requests: call them back`
      : `a caller from ${step.from || 'a withheld number'}, not on file, keyed no valid reply code: call them back`,
  });
  deps.log.info({ inboxId, knownCaller: Boolean(caller) }, 'inbound call: no request found; kept for an agent');
  const language = caller?.language ?? 'ko';
  return sayAndHangUpTwiml(language, render(language, 'ivrInboundForAPerson', {}));
}

/** The caller chose from the menu: 1-5 a rating, 8 a message, 0 a call back, 9 no more survey calls. */
export async function answerMenu(deps: InboundCallDeps, step: CallStep, requestId: string, digits: string, attempt: number): Promise<string | undefined> {
  const about = await calledAbout(deps.pool, requestId);
  if (!about) return undefined;
  const key = digits.trim();
  const { language } = about;
  if (/^[1-5]$/.test(key)) {
    const accepted = await acceptInbound(deps.pool, { source: SOURCE, eventId: `${step.callSid}:rating`, requestId, kind: 'survey-reply', payload: { rating: Number(key), raw: step.raw } });
    if (accepted.created && accepted.status === 'pending') deliverAfterAnswer(deps, accepted.id);
    deps.log.info({ inboxId: accepted.id, status: accepted.status }, 'inbound call: keypad rating received');
    return recordMessage(deps, about, render(language, 'ivrInboundRecordAfterRating', {}), accepted.id);
  }
  if (key === '8') {
    await record(deps, step, 'message-chosen', requestId, { step: 'message-chosen' });
    return recordMessage(deps, about, render(language, 'ivrInboundRecord', {}));
  }
  if (key === '0') {
    const inboxId = await record(deps, step, 'callback', requestId, { step: 'callback' });
    await openInboundTask(deps.pool, { inboxId, kind: 'callback', requestId, summary: 'the customer called the centre and asked to be called back' });
    return sayAndHangUpTwiml(language, render(language, 'ivrCallback', {}));
  }
  if (key === '9') {
    await inTransaction(deps.pool, async (db) => {
      await acceptInbound(db, { source: SOURCE, eventId: `${step.callSid}:no-calls`, requestId, kind: 'call-step', payload: { step: 'no-calls', raw: step.raw }, recordOnly: true });
      await withdrawConsent(db, about.customerId, 'voice', 'keyed 9 (no survey calls) when calling the centre');
    });
    deps.log.info({ requestId }, 'inbound call: the customer opted out of survey calls');
    return sayAndHangUpTwiml(language, render(language, 'ivrInboundNoCalls', {}));
  }
  await record(deps, step, `menu:${attempt}`, requestId, { step: 'menu', key });
  if (attempt < MENU_ATTEMPTS) return menu(deps, about, attempt + 1);
  return sayAndHangUpTwiml(language, render(language, 'ivrInboundGoodbye', {}));
}

/**
 * The spoken message is recorded. After a rating it joins that rating's reply; on its own it is
 * the reply (an agent listens: with no words or score the classifier asks for a review).
 */
export async function acceptRecording(deps: InboundCallDeps, step: CallStep, requestId: string, recording: RecordingReference | undefined, ratingInboxId?: number): Promise<string | undefined> {
  const about = await calledAbout(deps.pool, requestId);
  if (!about) return undefined;
  const thanks = sayAndHangUpTwiml(about.language, render(about.language, 'ivrInboundMessageThanks', {}));
  if (!recording) return thanks;
  if (ratingInboxId !== undefined) {
    await inTransaction(deps.pool, async (db) => {
      await acceptInbound(db, { source: SOURCE, eventId: `${step.callSid}:recording:${recording.sid}`, requestId, kind: 'call-step', payload: { step: 'recording', recording, raw: step.raw }, recordOnly: true });
      await attachRecording(db, ratingInboxId, requestId, recording);
    });
    return thanks;
  }
  const accepted = await acceptInbound(deps.pool, { source: SOURCE, eventId: `${step.callSid}:message`, requestId, kind: 'survey-reply', payload: { recording, raw: step.raw } });
  if (accepted.created && accepted.status === 'pending') deliverAfterAnswer(deps, accepted.id);
  deps.log.info({ inboxId: accepted.id, status: accepted.status }, 'inbound call: spoken message received');
  return thanks;
}

/** Twilio's recording status callback: stored, and the recording's final status kept with it. */
export async function acceptRecordingStatus(deps: InboundCallDeps, step: CallStep, requestIdFromUrl: string | null, recording: { sid: string; status: string; url?: string }): Promise<void> {
  const requestId = requestIdFromUrl && (await calledAbout(deps.pool, requestIdFromUrl)) ? requestIdFromUrl : null;
  await inTransaction(deps.pool, async (db) => {
    await acceptInbound(db, { source: SOURCE, eventId: `${recording.sid}:${recording.status}`, requestId, kind: 'call-step', payload: { step: 'recording-status', raw: step.raw }, recordOnly: true });
    await noteRecordingStatus(db, recording.sid, recording.status, recording.url);
  });
}

async function record(deps: InboundCallDeps, step: CallStep, name: string, requestId: string | null, payload: Record<string, unknown>): Promise<number> {
  const row = await acceptInbound(deps.pool, { source: SOURCE, eventId: `${step.callSid}:${name}`, requestId, kind: 'call-step', payload: { ...payload, raw: step.raw }, recordOnly: true });
  return row.id;
}

function url(deps: InboundCallDeps, path: string, query: Record<string, string>): string {
  return twilioCallbackUrl(deps.publicBaseUrl, `${INBOUND_CALL_PATH}${path}`, query);
}

function menu(deps: InboundCallDeps, about: CalledAbout, attempt: number): string {
  const query = { requestId: about.requestId, attempt: String(attempt) };
  return inboundGatherTwiml({
    say: [{ language: about.language, text: render(about.language, 'ivrInboundMenu', { centre: about.centre }) }],
    digits: 1,
    actionUrl: url(deps, '/menu', query),
    noInputUrl: url(deps, '/menu', query),
  });
}

/** Asked in the caller's language when we know them, else in Korean and then in English. */
async function askForCode(deps: InboundCallDeps, step: CallStep, language: Language | undefined, attempt: number): Promise<string> {
  const centre = (await centreByPhone(deps.pool, toE164(step.to) ?? step.to))?.name ?? '';
  const template = attempt === 1 ? 'ivrInboundAskCode' : 'ivrInboundCodeAgain';
  const languages: Language[] = language ? [language] : ['ko', 'en'];
  const query = { attempt: String(attempt) };
  return inboundGatherTwiml({
    say: languages.map((l) => ({ language: l, text: render(l, template, { centre }) })),
    digits: 6,
    actionUrl: url(deps, '/code', query),
    noInputUrl: url(deps, '/code', query),
  });
}

function recordMessage(deps: InboundCallDeps, about: CalledAbout, prompt: string, ratingInboxId?: number): string {
  const query: Record<string, string> = { requestId: about.requestId, ...(ratingInboxId !== undefined ? { ratingReply: String(ratingInboxId) } : {}) };
  return recordMessageTwiml({
    language: about.language,
    prompt,
    goodbye: render(about.language, 'ivrInboundGoodbye', {}),
    actionUrl: url(deps, '/recording', query),
    statusUrl: url(deps, '/recording-status', { requestId: about.requestId }),
  });
}
