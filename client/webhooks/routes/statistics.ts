import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Pool } from '../../../db/pool';
import { statisticsReport } from '../../../db/queries/statistics';
import { pageLanguage } from '../pages/html';
import { statisticsPage } from './statisticsPage';
import { describeIssues } from './zodErrors';

export interface StatisticsRouteOptions {
  pool: Pool;
  /** When set, /stats and its data need `Authorization: Bearer <token>`, `?token=<token>` or a signed-in console operator. */
  accessToken?: string;
  /** The zone report dates and months are read in. */
  timeZone?: string;
  clock?: () => Date;
  /** Whether the request carries a live operator console session (the cookie header), which opens the page without the token. */
  signedInOperator?: (cookieHeader: string | undefined) => Promise<boolean>;
}

// Served from the installed package: the page works offline and loads nothing from a CDN. The
// package's exports map hides dist/, so the browser bundle is found next to its main entry.
const CHART_JS = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js'));
const PAGE_SCRIPT = readFileSync(new URL('../assets/statsPage.js', import.meta.url));

const query = z.object({
  from: z.iso.date('from must be a date written YYYY-MM-DD').optional(),
  to: z.iso.date('to must be a date written YYYY-MM-DD').optional(),
  centre: z.string().trim().min(1).max(200).optional(),
  token: z.string().optional(),
  lang: z.enum(['ko', 'en'], 'lang must be ko or en').optional(),
});

/** The statistics page with its charts (KR paragraphs 63-64) and the report it draws, as JSON. */
export const statisticsRoutes =
  ({ pool, accessToken, timeZone = 'UTC', clock = () => new Date(), signedInOperator }: StatisticsRouteOptions): FastifyPluginAsync =>
  async (app) => {
    const asset = (body: Buffer) => async (_req: FastifyRequest, reply: FastifyReply) =>
      reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body);
    app.get('/assets/chart.js', asset(CHART_JS));
    app.get('/assets/stats-page.js', asset(PAGE_SCRIPT));

    await app.register(async (guarded) => {
      guarded.addHook('onRequest', async (req, reply) => {
        // The token may sit in the URL, so it must not leak to other sites through the Referer.
        reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
        if (accessToken && !presentsToken(req, accessToken) && !(await signedInOperator?.(req.headers.cookie))) {
          return reply.code(401).header('www-authenticate', 'Bearer realm="statistics"').send({ error: 'a valid access token is required' });
        }
      });

      guarded.get('/stats', async (req, reply) => {
        const parsed = query.safeParse(req.query);
        if (!parsed.success) return reply.code(400).type('text/plain; charset=utf-8').send(describeIssues(parsed.error));
        // Korean unless ?lang= or the browser asks for English, as on every page.
        const language = pageLanguage(parsed.data, undefined, req.headers['accept-language']);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
          .send(statisticsPage(language, switchLanguageUrl(req.url, language === 'ko' ? 'en' : 'ko')));
      });

      guarded.get('/stats/data.json', async (req, reply) => {
        const parsed = query.safeParse(req.query);
        if (!parsed.success) return reply.code(400).send({ error: describeIssues(parsed.error) });
        const range = withDefaults(parsed.data, timeZone, clock());
        if (range.to <= range.from) return reply.code(400).send({ error: 'to must be after from (to is exclusive)' });
        return statisticsReport(pool, { ...range, timeZone, centreId: parsed.data.centre });
      });
    });
  };

/** The same page in the other language, with the same filters (and token, if it came in the address). */
function switchLanguageUrl(url: string, language: 'ko' | 'en'): string {
  const switched = new URL(url, 'http://stats.invalid');
  switched.searchParams.set('lang', language);
  return `${switched.pathname}${switched.search}`;
}

function presentsToken(req: FastifyRequest, expected: string): boolean {
  const header = req.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const fromQuery = (req.query as { token?: unknown } | undefined)?.token;
  const given = bearer ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
  if (!given) return false;
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Without dates the page shows the last twelve months up to and including today. */
function withDefaults(q: { from?: string; to?: string }, timeZone: string, now: Date): { from: string; to: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const iso = (date: Date) => date.toISOString().slice(0, 10);
  return {
    from: q.from ?? iso(new Date(Date.UTC(y, m - 12, 1))),
    to: q.to ?? iso(new Date(Date.UTC(y, m - 1, d + 1))),
  };
}
