import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { endSession, openSession, operatorCredentials } from '../../../../db/queries/operators';
import { DECOY_PASSWORD_HASH, verifyPassword } from '../../../../domain/operatorPassword';
import { loginPage } from '../../pages/console/loginPage';
import { ct } from '../../pages/console/texts';
import { consolePage } from '../../pages/console/layout';
import { consoleContext, field } from './context';
import { escalationRoutes } from './escalations';
import { inboxRoutes } from './inbox';
import { requestRoutes } from './requests';
import { COOKIE_BASE, consoleLanguage, LOGIN_COOKIE, newLoginToken, safeNext, SESSION_COOKIE, sessionOf, tokensMatch } from './session';
import { resolveConsoleSettings, type ConsoleDeps } from './settings';
import { taskRoutes } from './tasks';

/**
 * The operator console under /console: sign-in with a password, a session in a signed httpOnly
 * cookie (its token hashed in operator_sessions), a CSRF token in every form, and the pages agents
 * and operators work in. Nothing here is reachable without a live session but the sign-in form.
 */
export const consoleRoutes =
  (deps: ConsoleDeps): FastifyPluginAsync =>
  async (app) => {
    const settings = resolveConsoleSettings(deps.settings);
    await app.register(cookie, { secret: settings.cookieSecret });
    await app.register(rateLimit, { global: false, hook: 'preHandler' });
    const ctx = consoleContext(deps);

    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith('/console')) return;
      reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'same-origin')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    });

    // Too many sign-in attempts (429) and anything unexpected get a page, not JSON.
    app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
      const language = consoleLanguage(req, reply);
      if (err.statusCode === 429) return reply.code(429).type('text/html; charset=utf-8').send(loginPage({ language, path: req.url, loginToken: '', error: ct(language, 'loginRateLimited') }));
      if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).type('text/html; charset=utf-8').send(consolePage({ language, path: req.url, title: ct(language, 'badInput', { problem: err.message }) }, ''));
      throw err;
    });

    app.get('/console', async (_req, reply) => reply.redirect('/console/tasks', 303));

    app.get('/console/login', async (req, reply) => {
      const language = consoleLanguage(req, reply);
      if (await sessionOf(req, deps.pool, settings.sessionIdleMs)) return reply.redirect(safeNext((req.query as { next?: unknown }).next), 303);
      const loginToken = newLoginToken();
      reply.setCookie(LOGIN_COOKIE, loginToken, { ...COOKIE_BASE, maxAge: 3600 });
      const q = req.query as { bye?: unknown; expired?: unknown; next?: unknown };
      const notice = q.bye ? ct(language, 'loggedOut') : q.expired ? ct(language, 'loginExpired') : undefined;
      return reply.type('text/html; charset=utf-8').send(loginPage({ language, path: req.url, loginToken, notice, next: safeNext(q.next) }));
    });

    const perMinute = { config: { rateLimit: { max: settings.loginAttemptsPerMinute, timeWindow: 60_000 } } };
    app.post('/console/login', perMinute, async (req, reply) => {
      const language = consoleLanguage(req, reply);
      const next = safeNext(field(req.body, 'next'));
      const again = (status: number, error: string) => {
        const loginToken = newLoginToken();
        reply.setCookie(LOGIN_COOKIE, loginToken, { ...COOKIE_BASE, maxAge: 3600 });
        return reply.code(status).type('text/html; charset=utf-8').send(loginPage({ language, path: '/console/login', loginToken, error, next, username: field(req.body, 'username') }));
      };
      // The form must come from our own sign-in page: its token matches the cookie it set.
      const cookieToken = req.cookies[LOGIN_COOKIE] ? req.unsignCookie(req.cookies[LOGIN_COOKIE]) : undefined;
      if (!cookieToken?.valid || !tokensMatch(field(req.body, '_csrf'), cookieToken.value ?? undefined)) return again(403, ct(language, 'csrfFailed'));
      const username = (field(req.body, 'username') ?? '').trim().toLowerCase().slice(0, 64);
      const password = (field(req.body, 'password') ?? '').slice(0, 200);
      const found = username ? await operatorCredentials(deps.pool, username) : undefined;
      // An unknown name costs as much as a wrong password, so timing does not tell which it was.
      const valid = await verifyPassword(password, found?.passwordHash ?? DECOY_PASSWORD_HASH);
      if (!found || !valid || password === '') {
        req.log.info({ event: 'console.login_failed' }, 'console: sign-in refused');
        return again(401, ct(language, 'loginFailed'));
      }
      const session = await openSession(deps.pool, found.username, settings.sessionLifetimeMs);
      reply.clearCookie(LOGIN_COOKIE, { path: '/' });
      reply.setCookie(SESSION_COOKIE, session.token, { ...COOKIE_BASE, expires: session.expiresAt });
      req.log.info({ event: 'console.login', operator: found.username }, 'console: operator signed in');
      return reply.redirect(next, 303);
    });

    await app.register(async (signedIn) => {
      signedIn.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
        const found = await sessionOf(req, deps.pool, settings.sessionIdleMs);
        if (!found) {
          const language = consoleLanguage(req, reply);
          if (req.cookies[SESSION_COOKIE]) reply.clearCookie(SESSION_COOKIE, { path: '/' });
          if (req.method === 'GET') return reply.redirect(`/console/login?next=${encodeURIComponent(req.url)}${req.cookies[SESSION_COOKIE] ? '&expired=1' : ''}`, 303);
          return reply.code(401).type('text/html; charset=utf-8').send(consolePage({ language, path: '/console/login', title: ct(language, 'loginExpired') }, `<p><a href="/console/login">${ct(language, 'signIn')}</a></p>`));
        }
        req.operator = found.session;
        if (req.method === 'POST' && !tokensMatch(field(req.body, '_csrf'), found.session.csrfToken)) {
          const language = consoleLanguage(req, reply);
          req.log.warn({ event: 'console.csrf_refused', operator: found.session.username }, 'console: a form without the session CSRF token was refused');
          return reply.code(403).type('text/html; charset=utf-8').send(consolePage({ language, path: req.url, title: ct(language, 'csrfFailed') }, ''));
        }
      });

      signedIn.post('/console/logout', async (req, reply) => {
        const found = await sessionOf(req, deps.pool, settings.sessionIdleMs);
        if (found) await endSession(deps.pool, found.token);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        req.log.info({ event: 'console.logout', operator: req.operator?.username }, 'console: operator signed out');
        return reply.redirect('/console/login?bye=1', 303);
      });

      await signedIn.register(taskRoutes(ctx, settings));
      await signedIn.register(escalationRoutes(ctx, settings));
      await signedIn.register(inboxRoutes(ctx, settings));
      await signedIn.register(requestRoutes(ctx, settings));
    });
  };
