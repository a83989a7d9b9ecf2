import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testPool } from '../../../support/db';
import { buildTestServerWithoutTemporal, seedRequest } from '../webhookApp';
import { ConsoleVisitor, PASSWORD, seedOperator } from './consoleSupport';
import { setOperatorDisabled } from '../../../../db/queries/operators';

const pool = testPool();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestServerWithoutTemporal(pool, { console: { cookieSecret: 'a-test-cookie-secret-of-at-least-32-characters', loginAttemptsPerMinute: 1000 } });
});
afterAll(async () => {
  await app?.close();
  await pool.end();
});

async function openTask() {
  const req = await seedRequest(pool, { language: 'en' });
  const { rows } = await pool.query(`INSERT INTO agent_tasks (request_id, service_centre_id, kind, summary) VALUES ($1, $2, 'complaint', 'complaint — noisy') RETURNING id`, [req.requestId, req.centreId]);
  return { ...req, taskId: Number(rows[0].id) };
}

describe('console sign-in and sessions', () => {
  it('sends a visitor without a session to the sign-in form, and refuses a post without one (401)', async () => {
    const visitor = new ConsoleVisitor(app);
    const page = await visitor.get('/console/tasks?status=all');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/console/login?next=%2Fconsole%2Ftasks%3Fstatus%3Dall');
    const { taskId } = await openTask();
    const post = await visitor.post(`/console/tasks/${taskId}/take`, { _csrf: 'anything' });
    expect(post.statusCode).toBe(401);
    expect((await pool.query('SELECT status FROM agent_tasks WHERE id = $1', [taskId])).rows).toEqual([{ status: 'open' }]);
  });

  it('says clearly that the username or password is wrong, the same for an unknown name', async () => {
    const op = await seedOperator(pool);
    const visitor = new ConsoleVisitor(app);
    const wrong = await visitor.signIn(op.username, 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The username or password is wrong.');
    const unknown = await visitor.signIn('nobody-here');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toContain('The username or password is wrong.');
    expect(visitor.jar.get('console_session')).toBeUndefined();
  });

  it('answers in Korean when the browser asks for it', async () => {
    const op = await seedOperator(pool);
    const visitor = new ConsoleVisitor(app);
    const csrf = await visitor.csrfOf('/console/login');
    const res = await app.inject({
      method: 'POST',
      url: '/console/login',
      headers: { cookie: visitor.jar.header(), 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'ko-KR,ko;q=0.9' },
      payload: new URLSearchParams({ _csrf: csrf, username: op.username, password: 'wrong password!' }).toString(),
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('사용자 이름 또는 비밀번호가 올바르지 않습니다.');
    expect(res.body).toContain('<html lang="ko">');
  });

  it('refuses a sign-in form that did not come from the sign-in page (403)', async () => {
    const op = await seedOperator(pool);
    const visitor = new ConsoleVisitor(app);
    await visitor.get('/console/login');
    const res = await visitor.post('/console/login', { _csrf: 'forged', username: op.username, password: PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(visitor.jar.get('console_session')).toBeUndefined();
  });

  it('signs in with a signed httpOnly SameSite cookie, and refuses a form without the session CSRF token (403)', async () => {
    const op = await seedOperator(pool, 'Agent Yoon');
    const visitor = new ConsoleVisitor(app);
    const signedIn = await visitor.signIn(op.username);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/console/tasks');
    const cookie = (signedIn.cookies as { name: string; httpOnly?: boolean; sameSite?: string; path?: string }[]).find((c) => c.name === 'console_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // Signed: the value carries a signature after the token, and only a hash of the token is stored.
    expect(visitor.jar.get('console_session')).toMatch(/^[\w-]+\.[\w%+/=-]+$/);
    const stored = await pool.query('SELECT token_hash FROM operator_sessions WHERE username = $1', [op.username]);
    expect(stored.rows).toHaveLength(1);
    expect(visitor.jar.get('console_session')).not.toContain(stored.rows[0].token_hash);

    const tasks = await visitor.get('/console/tasks');
    expect(tasks.statusCode).toBe(200);
    expect(tasks.body).toContain('Signed in as Agent Yoon');

    const { taskId } = await openTask();
    const forged = await visitor.post(`/console/tasks/${taskId}/take`, { _csrf: 'not-the-token' });
    expect(forged.statusCode).toBe(403);
    const missing = await visitor.post(`/console/tasks/${taskId}/take`, {});
    expect(missing.statusCode).toBe(403);
    expect((await pool.query('SELECT status FROM agent_tasks WHERE id = $1', [taskId])).rows).toEqual([{ status: 'open' }]);
  });

  it('a tampered cookie opens nothing', async () => {
    const op = await seedOperator(pool);
    const visitor = new ConsoleVisitor(app);
    await visitor.signIn(op.username);
    const [token] = visitor.jar.get('console_session')!.split('.');
    visitor.jar.set('console_session', `${token}.forged-signature`);
    expect((await visitor.get('/console/tasks')).statusCode).toBe(303);
  });

  it('logs out: the session ends in the database, and the old cookie no longer opens anything', async () => {
    const op = await seedOperator(pool);
    const visitor = new ConsoleVisitor(app);
    await visitor.signIn(op.username);
    const oldCookie = visitor.jar.get('console_session')!;
    const csrf = await visitor.csrfOf('/console/tasks');
    const out = await visitor.post('/console/logout', { _csrf: csrf });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/console/login?bye=1');
    expect((await pool.query('SELECT ended_at IS NOT NULL AS ended FROM operator_sessions WHERE username = $1', [op.username])).rows).toEqual([{ ended: true }]);
    visitor.jar.set('console_session', oldCookie);
    const again = await visitor.get('/console/tasks');
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toContain('/console/login?next=');
  });

  it('a session ends after its idle time, at its absolute expiry, and when its operator is disabled', async () => {
    for (const end of [
      (username: string) => pool.query(`UPDATE operator_sessions SET last_seen_at = now() - interval '31 minutes' WHERE username = $1`, [username]),
      (username: string) => pool.query(`UPDATE operator_sessions SET expires_at = now() - interval '1 second' WHERE username = $1`, [username]),
      (username: string) => setOperatorDisabled(pool, username, true),
    ]) {
      const op = await seedOperator(pool);
      const visitor = new ConsoleVisitor(app);
      await visitor.signIn(op.username);
      expect((await visitor.get('/console/tasks')).statusCode).toBe(200);
      await end(op.username);
      const after = await visitor.get('/console/tasks');
      expect(after.statusCode).toBe(303);
      expect(after.headers.location).toBe('/console/login?next=%2Fconsole%2Ftasks&expired=1');
      const form = await visitor.get(after.headers.location as string);
      expect(form.body).toContain('Your session has ended. Please sign in again.');
    }
  });

  it('never sends a signed-in operator anywhere but a console page after sign-in', async () => {
    const op = await seedOperator(pool);
    const visitor = new ConsoleVisitor(app);
    const csrf = await visitor.csrfOf('/console/login');
    const res = await visitor.post('/console/login', { _csrf: csrf, username: op.username, password: PASSWORD, next: '//evil.example/console' });
    expect(res.headers.location).toBe('/console/tasks');
  });
});

describe('console sign-in rate limit', () => {
  it('refuses sign-in attempts beyond the limit per minute with a clear page (429)', async () => {
    const limited = await buildTestServerWithoutTemporal(pool, { console: { loginAttemptsPerMinute: 3 } });
    try {
      const op = await seedOperator(pool);
      const visitor = new ConsoleVisitor(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await visitor.signIn(op.username, 'wrong password')).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const blocked = await visitor.signIn(op.username);
      expect(blocked.statusCode).toBe(429);
      expect(blocked.body).toContain('Too many sign-in attempts');
      expect(visitor.jar.get('console_session')).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});
