import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { render } from '../../../domain/messageTemplates';
import { sayAndHangUpTwiml, surveyCallTwiml } from '../../../providers/twilioTwiml';
import type { CallOutcome } from '../../../workflows/types';
import { noteMachineVerdict, recordCallOutcome, surveyCall } from '../../../db/queries/callAttempts';
import { twilioCallbackUrl } from '../../../providers/twilioCallbackUrl';
import { deliverAfterAnswer } from '../inbox/deliver';
import { trimRaw } from '../parsing/rawPayload';
import type { WebhookDeps } from '../server';
import { param, queryParam, requireTwilioSignature } from './twilioAuth';

const FINAL_STATUS: Record<string, CallOutcome> = {
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'failed',
  // The call ended and no keypad answer came first: the customer hung up without rating.
  completed: 'refused',
};

/**
 * The survey call's callbacks: the pressed key (1-5 rating, 0 call back) and the call's status,
 * including the answering-machine verdict. Each becomes the call-outcome signal, once: stored
 * first, Twilio answered, then signalled (a retry of a stored callback adds nothing).
 */
export const twilioVoiceRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const { pool, settings } = deps;
    app.addHook('preHandler', requireTwilioSignature(deps.providers?.twilioAuthToken, settings.publicBaseUrl));

    /** The request id our callback URLs carry (covered by the signature). */
    const findCall = (req: FastifyRequest) => surveyCall(pool, param(req, 'CallSid'), queryParam(req, 'requestId'));

    app.post('/webhooks/twilio/voice/gather', async (req, reply) => {
      const callSid = param(req, 'CallSid');
      const call = await findCall(req);
      if (!call) return reply.code(404).send({ error: 'unknown call' });
      const digit = param(req, 'Digits').trim();
      const raw = trimRaw(req.body as Record<string, unknown>);
      reply.type('text/xml');
      if (!/^[0-5]$/.test(digit)) {
        // Any other key: ask once more rather than guess.
        const vars = { centre: call.centre };
        return surveyCallTwiml({
          language: call.language,
          greeting: render(call.language, 'ivrGreeting', vars),
          noInput: render(call.language, 'ivrNoInput', vars),
          gatherUrl: twilioCallbackUrl(settings.publicBaseUrl, '/webhooks/twilio/voice/gather', { requestId: call.requestId }),
        });
      }
      const callback = digit === '0';
      const recorded = await recordCallOutcome(pool, { callSid, step: 'gather', outcome: callback ? 'callback_requested' : 'answered', rating: callback ? undefined : Number(digit), raw });
      if (recorded?.created) deliverAfterAnswer(deps, recorded.id);
      return sayAndHangUpTwiml(call.language, render(call.language, callback ? 'ivrCallback' : 'ivrThanks', {}));
    });

    app.post('/webhooks/twilio/voice/status', async (req, reply) => {
      const callSid = param(req, 'CallSid');
      const call = await findCall(req);
      if (!call) return reply.code(404).send({ error: 'unknown call' });
      const answeredBy = param(req, 'AnsweredBy');
      const status = param(req, 'CallStatus');
      const ended = FINAL_STATUS[status];
      if (answeredBy && !ended) {
        // The asynchronous machine verdict, mid-call: kept; the call's end (or a key) decides.
        await noteMachineVerdict(pool, callSid, answeredBy);
        return reply.code(204).send();
      }
      const machine = answeredBy.startsWith('machine') || answeredBy === 'fax';
      const outcome = machine ? 'machine' : ended;
      if (outcome) {
        const raw = trimRaw(req.body as Record<string, unknown>);
        const recorded = await recordCallOutcome(pool, { callSid, step: 'status', outcome, raw });
        if (recorded?.created) deliverAfterAnswer(deps, recorded.id);
      }
      return reply.code(204).send();
    });
  };
