import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPool } from '../../support/db';
import { seedStatisticsScenario } from '../../db/queries/statisticsScenario';
import { buildTestServerWithoutTemporal } from './webhookApp';

const pool = testPool();
const TOKEN = 'page-test-token';
let app: Awaited<ReturnType<typeof buildTestServerWithoutTemporal>>;
let browser: Browser;
let baseUrl: string;
let centreId: string;

beforeAll(async () => {
  centreId = (await seedStatisticsScenario(pool)).network.centreId;
  app = await buildTestServerWithoutTemporal(pool, { settings: { operatorAccessToken: TOKEN, timeZone: 'Asia/Seoul' } });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await pool.end();
});

/** What the test reads in the page; the project compiles without the DOM library. */
interface PageGlobals {
  __chartsReady?: boolean;
  __chartsError?: string;
  document: { getElementById(id: string): { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } };
}

/** Each chart's own colour: counting it proves data was drawn, not just axes and labels. */
const CHARTS = {
  'chart-category-mix': ['#d9480f', '#f0a202', '#c92a2a', '#2b8a3e', '#4dabf7'],
  'chart-reply-rate': ['#2f6fdb'],
  'chart-technician-rating': ['#7048e8'],
  'chart-csat-month': ['#2b8a3e'],
  'chart-item-averages': ['#e8590c'],
};

/** The per-item table as a person reads it: item, average, how many answers rated it. */
function itemRows(page: Page): Promise<string[][]> {
  type Row = { children: ArrayLike<{ textContent: string | null }> };
  return page.$$eval('#item-averages tbody tr', (rows) => (rows as unknown as Row[]).map((r) => Array.from(r.children).map((c) => c.textContent ?? '')));
}

describe('statistics page', () => {
  it('renders the five charts with data in headless Chromium', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${baseUrl}/stats?from=2026-11-01&to=2027-01-01&centre=${centreId}&token=${TOKEN}`);
    await page.waitForFunction(() => {
      const g = globalThis as unknown as PageGlobals;
      return g.__chartsReady || g.__chartsError;
    }, null, { timeout: 15_000 });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__chartsError)).toBeUndefined();
    expect(errors).toEqual([]);

    const painted = await page.evaluate((charts) => {
      const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const result: Record<string, { data: number; total: number; width: number }> = {};
      for (const [id, colours] of Object.entries(charts)) {
        const canvas = (globalThis as unknown as PageGlobals).document.getElementById(id);
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        const targets = colours.map(rgb);
        let inColour = 0;
        let total = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! === 0) continue;
          total++;
          if (targets.some(([r, g, b]) => Math.abs(data[i]! - r!) < 12 && Math.abs(data[i + 1]! - g!) < 12 && Math.abs(data[i + 2]! - b!) < 12)) inColour++;
        }
        result[id] = { data: inColour, total, width: canvas.width };
      }
      return result;
    }, CHARTS);
    for (const [id, counts] of Object.entries(painted)) {
      expect(counts.width, id).toBeGreaterThan(100);
      expect(counts.data, `${id} data pixels`).toBeGreaterThan(500);
    }

    expect(await page.textContent('#csat')).toBe('40.0%');
    expect(await page.textContent('h1')).toBe('Satisfaction statistics');
    expect(await itemRows(page)).toEqual([
      ["Technician's kindness", '3.33', '3'],
      ['Punctuality', '2.50', '2'],
      ['Overall satisfaction', '3.00', '5'],
    ]);
    expect(await page.textContent('#reply-rate')).toBe('75.0%');
    // Everything the page loaded came from this server: no CDN.
    expect(requests.every((url) => url.startsWith(baseUrl))).toBe(true);
    expect(requests.some((url) => url.endsWith('/assets/chart.js'))).toBe(true);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'stats-page-'));
    const file = path.join(dir, 'stats.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`statistics page screenshot: ${file}`);
    await page.close();
  });

  it('speaks Korean when asked, keeping the filters across the language switch', async () => {
    const page = await browser.newPage({ locale: 'ko-KR', extraHTTPHeaders: { 'accept-language': 'ko-KR,ko;q=0.9' } });
    await page.goto(`${baseUrl}/stats?from=2026-11-01&to=2027-01-01&centre=${centreId}&token=${TOKEN}`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__chartsReady, null, { timeout: 15_000 });
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    expect(await page.textContent('h1')).toBe('만족도 통계');
    expect(await page.textContent('#period')).toBe(`2026-11-01 ~ 2027-01-01 (종료일 미포함, Asia/Seoul) · 센터 ${centreId}`);
    expect(await itemRows(page)).toEqual([
      ['기사 친절도', '3.33', '3'],
      ['약속 시간 준수', '2.50', '2'],
      ['전반적 만족도', '3.00', '5'],
    ]);
    await Promise.all([page.waitForNavigation(), page.click('#language-switch')]);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__chartsReady, null, { timeout: 15_000 });
    expect(await page.textContent('h1')).toBe('Satisfaction statistics');
    expect(new URL(page.url()).searchParams.get('centre')).toBe(centreId);
    expect(await page.textContent('#csat')).toBe('40.0%');
    await page.close();
  });

  it('shows an error, not charts, without the token', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${baseUrl}/stats`);
    expect(res?.status()).toBe(401);
    await page.close();
  });
});
