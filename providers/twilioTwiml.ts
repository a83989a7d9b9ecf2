import twilio from 'twilio';
import type { OutboundCall } from './ports';

type Language = OutboundCall['script']['language'];
const SPEECH_LANGUAGE = { ko: 'ko-KR', en: 'en-US' } as const;

/**
 * The survey call: the greeting inside a one-key <Gather> (1-5 rating, 0 call back); if nothing
 * is pressed Twilio falls through to the no-input notice and hangs up.
 */
export function surveyCallTwiml(script: OutboundCall['script']): string {
  const response = new twilio.twiml.VoiceResponse();
  const language = SPEECH_LANGUAGE[script.language];
  const gather = response.gather({ input: ['dtmf'], numDigits: 1, timeout: 8, action: script.gatherUrl, method: 'POST' });
  gather.say({ language }, script.greeting);
  response.say({ language }, script.noInput);
  response.hangup();
  return response.toString();
}

/** Says one thing and ends the call. */
export function sayAndHangUpTwiml(language: Language, text: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say({ language: SPEECH_LANGUAGE[language] }, text);
  response.hangup();
  return response.toString();
}

/** An SMS webhook answer: a reply text, or nothing at all. */
export function messagingTwiml(text?: string): string {
  const response = new twilio.twiml.MessagingResponse();
  if (text) response.message(text);
  return response.toString();
}

/**
 * A customer's call to the centre: one <Gather> of `digits` keys (a menu choice, or a reply code
 * ended by #) saying each text in its language; no input goes on to `noInputUrl`, so the webhook
 * decides what silence means.
 */
export function inboundGatherTwiml(input: { say: { language: Language; text: string }[]; digits: number; actionUrl: string; noInputUrl: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  const gather = response.gather({
    input: ['dtmf'],
    ...(input.digits === 1 ? { numDigits: 1 } : { finishOnKey: '#' }),
    timeout: 8,
    action: input.actionUrl,
    method: 'POST',
  });
  for (const line of input.say) gather.say({ language: SPEECH_LANGUAGE[line.language] }, line.text);
  response.redirect({ method: 'POST' }, input.noInputUrl);
  return response.toString();
}

/** A spoken message after the tone (at most two minutes, # ends it); its reference goes to `actionUrl`. */
export function recordMessageTwiml(input: { language: Language; prompt: string; goodbye: string; actionUrl: string; statusUrl: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  const language = SPEECH_LANGUAGE[input.language];
  response.say({ language }, input.prompt);
  response.record({
    action: input.actionUrl,
    method: 'POST',
    maxLength: 120,
    timeout: 5,
    finishOnKey: '#',
    playBeep: true,
    recordingStatusCallback: input.statusUrl,
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: ['completed', 'absent'],
  });
  // Silence records nothing and Twilio goes on here.
  response.say({ language }, input.goodbye);
  response.hangup();
  return response.toString();
}
