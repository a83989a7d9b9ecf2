import { createHash } from 'node:crypto';
import { findToken } from '../../../db/queries/accessTokens';
import { acceptInbound, type InboxStatus } from '../../../db/queries/inbox';
import { visibleEmailText } from '../../../domain/classification/emailBody';
import { deliverAfterAnswer, type DeliveryDeps } from '../inbox/deliver';
import { htmlToText, messageIdIn, replyTokenIn } from '../parsing/emailReply';
import type { InboundParseBody } from '../parsing/inboundParse';
import { trimRaw } from '../parsing/rawPayload';
import { emailAnswerOf } from '../parsing/replyRating';

/**
 * An email reply as SendGrid delivered it, stored whatever it holds: the reply-to address
 * `reply+<token>@…` names the request; without a known token the reply is kept unmatched for a
 * person to read; without a text or html part it is kept all the same. SendGrid is answered once
 * the row is stored; the signal goes after the answer (a repeat of a stored email adds nothing).
 */
export async function acceptEmailReply(deps: DeliveryDeps & { inboundEmailDomain?: string }, body: InboundParseBody): Promise<{ inboxId: number; status: InboxStatus }> {
  const { fields } = body;
  const token = replyTokenIn(`${fields.envelope ?? ''} ${fields.to ?? ''}`, deps.inboundEmailDomain);
  const record = token ? await findToken(deps.pool, token, 'email-reply') : undefined;
  const hasText = fields.text !== undefined || fields.html !== undefined;
  const text = hasText ? visibleEmailText(fields.text ?? htmlToText(fields.html ?? '')) : undefined;
  const eventId =
    messageIdIn(fields.headers ?? '') ??
    createHash('sha256').update([token, fields.from, fields.subject, fields.text, fields.html, fields.email].join('\n')).digest('hex');
  const accepted = await acceptInbound(deps.pool, {
    source: 'sendgrid-inbound',
    eventId,
    requestId: record?.requestId ?? null,
    kind: 'survey-reply',
    payload: {
      ...(text !== undefined ? { text, ...emailAnswerOf(text, fields.text ?? '') } : {}),
      raw: trimRaw({
        from: fields.from,
        to: fields.to,
        subject: fields.subject,
        spam_score: fields.spam_score,
        SPF: fields.SPF,
        dkim: fields.dkim,
        attachments: fields.attachments,
        attachmentFiles: body.attachments.length,
        // A post in raw mode carries the whole message instead of parsed parts: kept (cut) for a person.
        ...(hasText ? {} : { email: fields.email }),
      }),
      ...(body.attachments.length ? { attachments: body.attachments } : {}),
      ...(body.truncatedFields.length ? { truncatedFields: body.truncatedFields } : {}),
      ...(body.incomplete ? { incomplete: true } : {}),
      ...(token && !record ? { unknownReplyToken: true } : {}),
    },
  });
  if (accepted.created && accepted.status === 'pending') deliverAfterAnswer(deps, accepted.id);
  return { inboxId: accepted.id, status: accepted.status };
}
