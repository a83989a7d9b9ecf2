/** The payload encryption keys (client/codec), newest first: the first encrypts, all decrypt. */
export type KeyRing = { id: string; key: Buffer }[];

/**
 * PAYLOAD_ENCRYPTION_KEYS: `id:base64key` entries separated by commas, newest first; each key is
 * 32 random bytes (openssl rand -base64 32). Ids are short labels such as `2026-12`.
 */
export function parseKeyRing(text: string): KeyRing {
  const ring = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      if (!/^[\w.-]{1,64}$/.test(id)) throw new Error(`each key is id:base64key with an id of letters, digits, '.', '_' or '-' (got "${entry.slice(0, 12)}...")`);
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
      return { id, key };
    });
  if (ring.length === 0) throw new Error('no key given');
  const ids = ring.map((k) => k.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`key id "${duplicate}" appears twice`);
  return ring;
}
