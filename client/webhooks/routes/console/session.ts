import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resumeSession, type OperatorSession } from '../../../../db/queries/operators';
import { pageLanguage, type PageLanguage } from '../../pages/html';
import type { Pool } from '../../../../db/pool';

export const SESSION_COOKIE = 'console_session';
export const LOGIN_COOKIE = 'console_login';
export const LANGUAGE_COOKIE = 'console_lang';

/** The cookie attributes every console cookie shares: signed, invisible to scripts, same-site only. */
export const COOKIE_BASE = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', signed: true } as const;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in operator, set by requireOperator. */
    operator?: OperatorSession;
  }
}

/** The console's language: ?lang= (remembered in a cookie), then the cookie, then the browser's. */
export function consoleLanguage(req: FastifyRequest, reply: FastifyReply): PageLanguage {
  const asked = (req.query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'ko' || asked === 'en') {
    if (req.cookies[LANGUAGE_COOKIE] !== asked) reply.setCookie(LANGUAGE_COOKIE, asked, { path: '/', sameSite: 'lax', secure: 'auto', maxAge: 365 * 86_400 });
    return asked;
  }
  const remembered = req.cookies[LANGUAGE_COOKIE];
  return pageLanguage({}, remembered, req.headers['accept-language']);
}

/** The live session the request's signed cookie opens, if any. */
export async function sessionOf(req: FastifyRequest, pool: Pool, idleMs: number): Promise<{ token: string; session: OperatorSession } | undefined> {
  const raw = req.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const session = await resumeSession(pool, unsigned.value, idleMs);
  return session && { token: unsigned.value, session };
}

/** Equal-time comparison of a posted token with the expected one. */
export function tokensMatch(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export const newLoginToken = () => randomBytes(24).toString('base64url');

/** Where to go after signing in: only a console path of this site, never another host. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/[A-Za-z0-9/_\-.?=&%]*)?$/.test(next) && !next.startsWith('//') ? next : '/console/tasks';
}

/**
 * Reads a console session from a raw Cookie header, for pages outside the console (statistics)
 * that let a signed-in operator in without their access token.
 */
export function consoleSessionReader(pool: Pool, secret: string, idleMs: number) {
  const signer = fastifyCookie.signerFactory(secret);
  return async (cookieHeader: string | undefined): Promise<OperatorSession | undefined> => {
    const raw = cookieHeader ? fastifyCookie.parse(cookieHeader)[SESSION_COOKIE] : undefined;
    const unsigned = raw ? signer.unsign(raw) : undefined;
    return unsigned?.valid && unsigned.value ? resumeSession(pool, unsigned.value, idleMs) : undefined;
  };
}
