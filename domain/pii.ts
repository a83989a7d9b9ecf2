import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * A customer's name and contact details travel into the workflow sealed (AES-256-GCM), so the
 * Temporal history and the Web UI never show them; only the intake activity opens the seal and
 * stores them in PostgreSQL.
 */
export const contactSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(200),
  email: z.email('email is not a valid address').optional(),
  mobile: z.string().trim().min(6).max(20).optional(),
});
export type Contact = z.infer<typeof contactSchema>;

const VERSION = 'v1';

export function sealContact(contact: Contact, keyBase64: string): string {
  const key = Buffer.from(keyBase64, 'base64');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(contact), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function unsealContact(sealed: string, keyBase64: string): Contact {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !body) throw new Error('sealed contact is malformed');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const json = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  return contactSchema.parse(JSON.parse(json));
}
