import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EmailGateway, OutboundCall, OutboundEmail, OutboundSms, OutboundWhatsapp, SmsGateway, VoiceGateway, WhatsappGateway } from './ports';

interface SandboxRecord {
  kind: 'sms' | 'email' | 'call' | 'whatsapp';
  providerId: string;
  message: OutboundSms | OutboundEmail | OutboundCall | OutboundWhatsapp;
}

/**
 * Without provider credentials nothing leaves the machine, but nothing is silently dropped either:
 * every message is logged here and stored in the outbox table (mode 'sandbox') by the caller, and
 * the demo simulator answers it through the real webhooks.
 */
export function createSandboxGateways(log: Logger) {
  const record = (kind: SandboxRecord['kind'], message: SandboxRecord['message'], prefix: string) => {
    const providerId = `${prefix}${randomUUID().replace(/-/g, '')}`;
    log.info({ sandbox: true, kind, providerId, to: maskRecipient(message.to) }, `sandbox: would send ${kind}`);
    return { providerId };
  };
  const sms: SmsGateway = { mode: 'sandbox', sendSms: async (m) => record('sms', m, 'SMsandbox') };
  const email: EmailGateway = { mode: 'sandbox', sendEmail: async (m) => record('email', m, 'sandbox-') };
  const voice: VoiceGateway = { mode: 'sandbox', placeCall: async (c) => record('call', c, 'CAsandbox') };
  const whatsapp: WhatsappGateway = { mode: 'sandbox', sendWhatsapp: async (m) => record('whatsapp', m, 'SMsandboxwa') };
  return { sms, email, voice, whatsapp };
}

/** Logs show enough of an address to debug with, never the whole of it. */
export function maskRecipient(to: string): string {
  const at = to.indexOf('@');
  if (at > 0) return `${to.slice(0, 1)}***${to.slice(at)}`;
  return to.length > 4 ? `${'*'.repeat(to.length - 4)}${to.slice(-4)}` : '****';
}
