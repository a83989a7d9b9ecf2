import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPool } from '../../support/db';
import { seedStatisticsScenario } from '../../db/queries/statisticsScenario';
import { buildTestServerWithoutTemporal } from './webhookApp';
import { ConsoleVisitor, seedOperator } from './console/consoleSupport';

const pool = testPool();
let scenario: Awaited<ReturnType<typeof seedStatisticsScenario>>;
let app: Awaited<ReturnType<typeof buildTestServerWithoutTemporal>>;
const TOKEN = 'stats-test-token';

beforeAll(async () => {
  scenario = await seedStatisticsScenario(pool);
  app = await buildTestServerWithoutTemporal(pool, { settings: { operatorAccessToken: TOKEN, timeZone: 'Asia/Seoul' }, clock: () => new Date('2026-11-23T03:00:00Z') });
});
afterAll(async () => {
  await app.close();
  await pool.end();
});

const dataUrl = (extra = '') => `/stats/data.json?from=2026-11-01&to=2027-01-01&centre=${scenario.network.centreId}${extra}`;

describe('statistics routes', () => {
  it('refuses the page and its data without the access token', async () => {
    for (const url of ['/stats', dataUrl(), dataUrl('&token=wrong')]) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
    }
    const wrongHeader = await app.inject({ url: dataUrl(), headers: { authorization: 'Bearer wrong' } });
    expect(wrongHeader.statusCode).toBe(401);
  });

  it('lets an operator signed in to the console in without the token, and nobody once they sign out', async () => {
    const op = await seedOperator(pool);
    const visitor = new ConsoleVisitor(app);
    await visitor.signIn(op.username);
    expect((await visitor.get(dataUrl())).statusCode).toBe(200);
    expect((await visitor.get('/stats?lang=en')).statusCode).toBe(200);
    await visitor.post('/console/logout', { _csrf: await visitor.csrfOf('/console/tasks') });
    expect((await visitor.get(dataUrl())).statusCode).toBe(401);
  });

  it('accepts the token as a Bearer header', async () => {
    const res = await app.inject({ url: dataUrl(), headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json().summary).toMatchObject({ surveyed: 8, replied: 6, csatPct: 40 });
  });

  it('accepts the token in the query, and never lets it leak through the Referer', async () => {
    const res = await app.inject({ url: dataUrl(`&token=${TOKEN}`) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    const page = await app.inject({ url: `/stats?token=${TOKEN}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<canvas id="chart-category-mix"');
  });

  it('defaults to the last twelve months up to today in the report zone', async () => {
    const res = await app.inject({ url: '/stats/data.json', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.json().period).toEqual({ from: '2025-12-01', to: '2026-11-24', timeZone: 'Asia/Seoul' });
  });

  it('answers 400 naming the bad parameter', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const bad = await app.inject({ url: '/stats/data.json?from=2026-02-30', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('from must be a date written YYYY-MM-DD');
    const reversed = await app.inject({ url: '/stats/data.json?from=2026-12-01&to=2026-11-01', headers: auth });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error).toContain('to must be after from');
  });

  it('serves Chart.js from the installed package without a token', async () => {
    const res = await app.inject({ url: '/assets/chart.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.body).toContain('Chart.js v4.');
  });

  it('is open when no token is configured', async () => {
    const open = await buildTestServerWithoutTemporal(pool);
    const res = await open.inject({ url: dataUrl() });
    expect(res.statusCode).toBe(200);
    expect(res.json().period.timeZone).toBe('UTC');
    await open.close();
  });
});
