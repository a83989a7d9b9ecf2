import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealContact, unsealContact } from '../../domain/pii';

const key = randomBytes(32).toString('base64');

describe('sealed contact details', () => {
  it('round-trip, and the sealed form shows nothing of the contact', () => {
    const contact = { name: '김하늘', email: 'haneul@mail.example', mobile: '+821055500101' };
    const sealed = sealContact(contact, key);
    expect(sealed).not.toContain('haneul');
    expect(sealed).not.toContain('5550');
    expect(unsealContact(sealed, key)).toEqual(contact);
  });

  it('cannot be opened with another key or after tampering', () => {
    const sealed = sealContact({ name: 'Jane' , email: 'jane@mail.example' }, key);
    expect(() => unsealContact(sealed, randomBytes(32).toString('base64'))).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('{"name":"Mallory"}').toString('base64url');
    expect(() => unsealContact(parts.join('.'), key)).toThrow();
  });
});
