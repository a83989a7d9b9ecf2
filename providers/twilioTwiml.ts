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
