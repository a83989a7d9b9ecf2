import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readFirstLine, run } from '../../../client/cli/operators';
import { operatorCredentials, openSession, resumeSession } from '../../../db/queries/operators';
import { verifyPassword } from '../../../domain/operatorPassword';
import { testPool } from '../../support/db';
import { captured } from './capture';

const pool = testPool();
afterAll(() => pool.end());

const name = () => `kim.${randomBytes(4).toString('hex')}`;
const secret = (value: string) => async () => value;

describe('operators CLI', () => {
  it('adds an operator whose password is stored only as a scrypt hash', async () => {
    const username = name();
    const c = captured(pool);
    expect(await run(['add', '--username', username, '--name', 'Kim Minji'], c.deps, secret('a long enough password'))).toBe(0);
    expect(c.stdout()).toBe(`Operator ${username} (Kim Minji) added; they sign in at /console/login.`);
    const stored = await operatorCredentials(pool, username);
    expect(stored!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored!.passwordHash).not.toContain('a long enough password');
    expect(await verifyPassword('a long enough password', stored!.passwordHash)).toBe(true);
    expect(await verifyPassword('another password', stored!.passwordHash)).toBe(false);

    const again = captured(pool);
    expect(await run(['add', '--username', username, '--name', 'Someone Else'], again.deps, secret('a long enough password'))).toBe(1);
    expect(again.stderr()).toContain('already exists');
  });

  it('refuses a short password and a bad username before touching the database', async () => {
    const short = captured(pool);
    expect(await run(['add', '--username', name(), '--name', 'Kim'], short.deps, secret('short'))).toBe(2);
    expect(short.stderr()).toContain('the password must be at least 10 characters');
    const bad = captured(pool);
    expect(await run(['add', '--username', 'Kim Minji!', '--name', 'Kim'], bad.deps, secret('a long enough password'))).toBe(2);
    expect(bad.stderr()).toContain('--username must be 2-63 characters');
    expect(short.poolUses() + bad.poolUses()).toBe(0);
  });

  it('a new password or disabling ends the open sessions; list shows who is active', async () => {
    const username = name();
    await run(['add', '--username', username, '--name', 'Lee'], captured(pool).deps, secret('first password 123'));
    const first = await openSession(pool, username, 3_600_000);
    expect(await run(['password', '--username', username], captured(pool).deps, secret('second password 456'))).toBe(0);
    expect(await resumeSession(pool, first.token, 600_000)).toBeUndefined();
    expect(await verifyPassword('second password 456', (await operatorCredentials(pool, username))!.passwordHash)).toBe(true);

    const second = await openSession(pool, username, 3_600_000);
    expect(await run(['disable', '--username', username], captured(pool).deps)).toBe(0);
    expect(await resumeSession(pool, second.token, 600_000)).toBeUndefined();
    expect(await operatorCredentials(pool, username)).toBeUndefined();
    const list = captured(pool);
    await run(['list', '--json'], list.deps);
    expect(list.json()).toContainEqual(expect.objectContaining({ username, displayName: 'Lee', disabled: true }));
    expect(await run(['enable', '--username', username], captured(pool).deps)).toBe(0);
    expect(await operatorCredentials(pool, username)).toBeDefined();
    const missing = captured(pool);
    expect(await run(['disable', '--username', 'nobody-at-all'], missing.deps)).toBe(2);
  });

  it('reads the password from the first line of standard input', async () => {
    expect(await readFirstLine(Readable.from(['pass word', ' with spaces\nsecond line\n']))).toBe('pass word with spaces');
  });
});
