import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Pool } from '../../../../db/pool';
import { addOperator } from '../../../../db/queries/operators';
import { hashPassword } from '../../../../domain/operatorPassword';

export const PASSWORD = 'correct horse battery';

/** An operator of their own for each test (random name), with a known password. */
export async function seedOperator(pool: Pool, displayName = 'Agent Park') {
  const username = `op-${randomBytes(4).toString('hex')}`;
  await addOperator(pool, { username, displayName, passwordHash: await hashPassword(PASSWORD) });
  return { username, displayName };
}

/** The cookies a browser would keep between injected requests (name=value only; attributes are checked apart). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() <= Date.now()) || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
  header(): string {
    // light-my-request hands values back decoded; a browser sends them as they were set (encoded).
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }
  get(name: string) {
    return this.cookies.get(name);
  }
  set(name: string, value: string) {
    this.cookies.set(name, value);
  }
}

/** A person at the console: they open pages and post the forms on them, carrying cookies and the CSRF field. */
export class ConsoleVisitor {
  readonly jar = new CookieJar();
  /** An English-speaking browser unless told otherwise (without Accept-Language the console answers in Korean). */
  constructor(
    private readonly app: FastifyInstance,
    private readonly acceptLanguage = 'en-GB,en;q=0.9',
  ) {}

  async get(url: string, headers: Record<string, string> = {}) {
    return this.jar.take(await this.app.inject({ method: 'GET', url, headers: { cookie: this.jar.header(), 'accept-language': this.acceptLanguage, ...headers } }));
  }

  async post(url: string, form: Record<string, string>) {
    return this.jar.take(
      await this.app.inject({ method: 'POST', url, headers: { cookie: this.jar.header(), 'accept-language': this.acceptLanguage, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() }),
    );
  }

  /** The hidden _csrf of the page at `url`. */
  async csrfOf(url: string): Promise<string> {
    const page = await this.get(url);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF field on ${url} (status ${page.statusCode})`);
    return token;
  }

  async signIn(username: string, password = PASSWORD) {
    const csrf = await this.csrfOf('/console/login');
    return this.post('/console/login', { _csrf: csrf, username, password, next: '/console/tasks' });
  }
}
