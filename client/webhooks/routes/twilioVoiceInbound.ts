import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { acceptRecording, acceptRecordingStatus, answerCode, answerIncomingCall, answerMenu, INBOUND_CALL_PATH, type CallStep, type InboundCallDeps } from '../inbound/inboundCall';
import { trimRaw } from '../parsing/rawPayload';
import type { WebhookDeps } from '../server';
import { param, queryParam, requireTwilioSignature } from './twilioAuth';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A customer's call to the centre's number (the number's Voice URL in Twilio is the first route):
 * the incoming call, the reply code keyed, the menu choice, the spoken message and its recording
 * status. Parse, call one function, answer TwiML (204 for the status callback).
 */
export const twilioVoiceInboundRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.addHook('preHandler', requireTwilioSignature(deps.providers?.twilioAuthToken, deps.settings.publicBaseUrl));
    const callDeps: InboundCallDeps = { ...deps, publicBaseUrl: deps.settings.publicBaseUrl };

    const stepOf = (req: FastifyRequest): CallStep | undefined => {
      const callSid = param(req, 'CallSid');
      if (!callSid) return undefined;
      return { callSid, from: param(req, 'From'), to: param(req, 'To'), raw: trimRaw(req.body as Record<string, unknown>) };
    };
    /** Our own URL's attempt counter (signed with it); 1 when absent or odd. */
    const attemptOf = (req: FastifyRequest) => Math.min(Math.max(Number(queryParam(req, 'attempt')) || 1, 1), 9);
    const requestIdOf = (req: FastifyRequest) => {
      const id = queryParam(req, 'requestId');
      return id && UUID.test(id) ? id : undefined;
    };

    app.post(INBOUND_CALL_PATH, async (req, reply) => {
      const step = stepOf(req);
      if (!step) return reply.code(400).send({ error: 'CallSid is required' });
      return reply.type('text/xml').send(await answerIncomingCall(callDeps, step));
    });

    app.post(`${INBOUND_CALL_PATH}/code`, async (req, reply) => {
      const step = stepOf(req);
      if (!step) return reply.code(400).send({ error: 'CallSid is required' });
      return reply.type('text/xml').send(await answerCode(callDeps, step, param(req, 'Digits'), attemptOf(req)));
    });

    app.post(`${INBOUND_CALL_PATH}/menu`, async (req, reply) => {
      const step = stepOf(req);
      const requestId = requestIdOf(req);
      if (!step || !requestId) return reply.code(400).send({ error: 'CallSid and ?requestId are required' });
      const twiml = await answerMenu(callDeps, step, requestId, param(req, 'Digits'), attemptOf(req));
      if (!twiml) return reply.code(404).send({ error: 'unknown request' });
      return reply.type('text/xml').send(twiml);
    });

    app.post(`${INBOUND_CALL_PATH}/recording`, async (req, reply) => {
      const step = stepOf(req);
      const requestId = requestIdOf(req);
      if (!step || !requestId) return reply.code(400).send({ error: 'CallSid and ?requestId are required' });
      const sid = param(req, 'RecordingSid');
      const recordingUrl = param(req, 'RecordingUrl');
      const duration = Number(param(req, 'RecordingDuration'));
      const recording = sid && recordingUrl ? { sid, url: recordingUrl, ...(Number.isFinite(duration) ? { durationSeconds: duration } : {}) } : undefined;
      const rating = Number(queryParam(req, 'ratingReply')); // the inbox row of the rating this message follows
      const twiml = await acceptRecording(callDeps, step, requestId, recording, Number.isSafeInteger(rating) && rating > 0 ? rating : undefined);
      if (!twiml) return reply.code(404).send({ error: 'unknown request' });
      return reply.type('text/xml').send(twiml);
    });

    app.post(`${INBOUND_CALL_PATH}/recording-status`, async (req, reply) => {
      const step = stepOf(req);
      const sid = param(req, 'RecordingSid');
      const status = param(req, 'RecordingStatus');
      if (!step || !sid || !status) return reply.code(400).send({ error: 'CallSid, RecordingSid and RecordingStatus are required' });
      await acceptRecordingStatus(callDeps, step, requestIdOf(req) ?? null, { sid, status, url: param(req, 'RecordingUrl') || undefined });
      return reply.code(204).send();
    });
  };
