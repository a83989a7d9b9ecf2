import { condition } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import type { Patches } from '../patches';
import type { ContactOptions, SurveyChannel, SurveyReply } from '../types';
import { messageNotSent, now, unlessNotSent, waitForContactHours, type StageContext } from './context';

/**
 * Email, SMS or WhatsApp (US claim 27: e-mail or messenger), chosen from the contact data on file
 * and consent: if several are possible, the customer's stated preference wins, else the configured
 * policy (KR paragraphs 101-104). WhatsApp is offered only where contactOptions says it may be used
 * (never in requests started before it existed, whose contact options do not mention it).
 */
export function surveyChannels(contact: ContactOptions, policy: SurveyChannel, patches: Patches): SurveyChannel[] {
  const usable: SurveyChannel[] = (['email', 'sms'] as const).filter((c) => contact[c]);
  if (contact.whatsapp && patches.has('whatsapp-survey-channel')) usable.push('whatsapp');
  const first = contact.preferred && usable.includes(contact.preferred) ? contact.preferred : policy;
  return [...usable].sort((a, b) => (a === first ? -1 : b === first ? 1 : 0));
}

/**
 * When the reply window closes: a fixed time (a survey sent again after a bounce keeps the window
 * of the first), or a length counted from when the survey actually leaves.
 */
export type ReplyWindow = { closesAt: number } | { lengthMs: number };

/** Stage 5: send the survey on the first channel that accepts it; returns the channel used. */
export async function sendFallbackSurvey(
  ctx: StageContext,
  channels: SurveyChannel[],
  window: ReplyWindow,
): Promise<SurveyChannel | undefined> {
  const { input, state } = ctx;
  state.enter('sending_survey');
  // A reply (or a bounce) can arrive the moment a message leaves, before the send activity's
  // result is back: it must count, so the window opens before the first send.
  state.openReplyWindow();
  for (const channel of channels) {
    if (state.hasTried(channel)) continue;
    await waitForContactHours(ctx);
    state.tried(channel);
    try {
      const send = { email: acts.sendSurveyEmail, sms: acts.sendSurveySms, whatsapp: acts.sendSurveyWhatsapp }[channel];
      const windowArgs = 'closesAt' in window ? { replyWindowClosesAt: new Date(window.closesAt).toISOString() } : { replyWindowMs: window.lengthMs };
      await send({ requestId: input.requestId, attempt: 1, ...windowArgs });
      return channel;
    } catch (err) {
      if (!messageNotSent(err)) throw err; // refused for good or given up: the next channel
    }
  }
  return undefined;
}

/**
 * Stage 6: wait for the reply until the window closes, with one reminder before it does. A
 * bounce reported after sending moves the survey to the other channel. No reply means the customer
 * does not intend to answer (KR paragraph 108).
 */
export async function awaitSurveyReply(
  ctx: StageContext,
  channels: SurveyChannel[],
  windowClosesAt: number,
): Promise<SurveyReply | undefined> {
  const { input, state } = ctx;
  state.enter('awaiting_reply');
  const remindAt = windowClosesAt - input.policy.reminderBeforeCloseMs;
  const answered = () => state.reply !== undefined || state.hasDeliveryFailure;
  try {
    while (now() < windowClosesAt) {
      const wakeAt = state.reminderSent || remindAt <= now() ? windowClosesAt : remindAt;
      await condition(answered, Math.max(1, wakeAt - now()));
      if (state.reply) break;
      const failure = state.takeDeliveryFailure();
      if (failure) {
        // Whether or not another channel is left, the window stays open for a reply on any channel.
        await sendFallbackSurvey(ctx, channels, { closesAt: windowClosesAt });
        state.enter('awaiting_reply');
        continue;
      }
      if (!state.reminderSent && now() >= remindAt && now() < windowClosesAt) {
        await waitForContactHours(ctx);
        state.enter('awaiting_reply');
        if (state.reply) break;
        const channel = state.lastMessageChannel() as SurveyChannel;
        await unlessNotSent('reply reminder', () => acts.sendReplyReminder({ requestId: input.requestId, channel }));
        state.markReminderSent();
      }
    }
  } finally {
    state.closeReplyWindow();
  }
  const reply = state.reply;
  if (!reply) return undefined;
  return { eventId: reply.eventId, channel: reply.channel, inboxId: reply.inboxId, rating: reply.rating, receivedAt: reply.at };
}
