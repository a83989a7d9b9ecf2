import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../../client/codec/encryptionCodec';
import { parseKeyRing } from '../../../config/payloadKeys';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const fault = { fault: '냉장이 안 돼요', model: 'RF-9000' };

describe('payload encryption codec', () => {
  it('stores nothing readable, names its key, and gives back the exact payload', async () => {
    const codec = new EncryptionCodec(parseKeyRing(key('2026-12')));
    const original = defaultPayloadConverter.toPayload(fault);
    const [sealed] = await codec.encode([original]);
    expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('2026-12');
    expect(text(sealed!.data)).not.toContain('RF-9000');
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(fault);
    expect(text(opened!.metadata!.encoding)).toBe('json/plain');
  });

  it('encrypts the same value differently each time (a fresh nonce per payload)', async () => {
    const codec = new EncryptionCodec(parseKeyRing(key('k')));
    const [a, b] = await codec.encode([defaultPayloadConverter.toPayload(fault), defaultPayloadConverter.toPayload(fault)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotates: the newest key encrypts, a retired key still decrypts what it sealed', async () => {
    const retired = key('2026-01');
    const old = await new EncryptionCodec(parseKeyRing(retired)).encode([defaultPayloadConverter.toPayload(fault)]);
    const rotated = new EncryptionCodec(parseKeyRing(`${key('2026-12')},${retired}`));
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload(fault)]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('2026-12');
    const opened = await rotated.decode([...old, fresh!]);
    expect(opened.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([fault, fault]);
  });

  it('refuses a payload whose key left the ring, or that was tampered with or relabelled', async () => {
    const sealed = await new EncryptionCodec(parseKeyRing(key('a'))).encode([defaultPayloadConverter.toPayload(fault)]);
    await expect(new EncryptionCodec(parseKeyRing(key('b'))).decode(sealed)).rejects.toThrow(/key "a".*not in PAYLOAD_ENCRYPTION_KEYS/);

    const ring = `${key('a')},${key('b')}`;
    const codec = new EncryptionCodec(parseKeyRing(ring));
    const [good] = await codec.encode([defaultPayloadConverter.toPayload(fault)]);
    const flipped = Buffer.from(good!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...good!, data: flipped }])).rejects.toThrow();
    const relabelled: Payload = { ...good!, metadata: { ...good!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow();
  });

  it('passes payloads written before encryption through unchanged', async () => {
    const plain = defaultPayloadConverter.toPayload(fault);
    const [same] = await new EncryptionCodec(parseKeyRing(key('k'))).decode([plain]);
    expect(same).toBe(plain);
  });
});

describe('PAYLOAD_ENCRYPTION_KEYS', () => {
  it('reads id:key entries, newest first', () => {
    const ring = parseKeyRing(` ${key('2026-12')} , ${key('2026-01')} `);
    expect(ring.map((k) => k.id)).toEqual(['2026-12', '2026-01']);
    expect(ring.every((k) => k.key.length === 32)).toBe(true);
  });

  it('says what is wrong with a bad ring', () => {
    expect(() => parseKeyRing('')).toThrow(/no key/);
    expect(() => parseKeyRing(randomBytes(32).toString('base64'))).toThrow(/id:base64key/);
    expect(() => parseKeyRing(`k:${randomBytes(16).toString('base64')}`)).toThrow(/32 bytes/);
    const k = key('same');
    expect(() => parseKeyRing(`${k},${k}`)).toThrow(/appears twice/);
  });
});
