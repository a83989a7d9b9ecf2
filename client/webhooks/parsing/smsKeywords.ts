/** stop-ads refuses advertisements only; stop refuses every message on the channel, advertisements included. */
export type SmsKeyword = 'stop' | 'start' | 'help' | 'stop-ads';

// Twilio's own opt-out vocabulary, plus the Korean words customers here actually send.
const KEYWORDS: Record<string, SmsKeyword> = {
  stop: 'stop', stopall: 'stop', unsubscribe: 'stop', cancel: 'stop', end: 'stop', quit: 'stop', optout: 'stop', revoke: 'stop',
  수신거부: 'stop', 거부: 'stop', 중지: 'stop',
  start: 'start', unstop: 'start', yes: 'start', optin: 'start', 수신동의: 'start', 시작: 'start',
  help: 'help', info: 'help', 도움말: 'help', 도움: 'help',
  stopads: 'stop-ads', noads: 'stop-ads', 광고거부: 'stop-ads', 광고수신거부: 'stop-ads', 무료수신거부: 'stop-ads',
};

/** Twilio answers its English keywords itself; ours must answer only what it does not know. */
export const TWILIO_HANDLED = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'optout', 'revoke', 'start', 'unstop', 'yes', 'optin', 'help', 'info']);

/** A whole message that is one keyword (case, spaces and trailing punctuation ignored). */
export function smsKeyword(body: string): { keyword: SmsKeyword; word: string } | undefined {
  const word = body.trim().replace(/[\s.!。]+$/u, '').replace(/\s+/g, '').toLowerCase();
  const keyword = KEYWORDS[word];
  return keyword ? { keyword, word } : undefined;
}

/** The email address in an SMS (the answer to "add your email address"), if there is one. */
export function emailAddressIn(text: string): string | undefined {
  const candidate = text.trim().normalize('NFKC');
  // Anywhere in the text: "4, good job - kim@mail.example" carries both an answer and the address.
  return candidate.match(/[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/i)?.[0].toLowerCase();
}
