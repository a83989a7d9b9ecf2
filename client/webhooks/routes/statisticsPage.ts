import { escapeHtml, type PageLanguage } from '../pages/html';
import { STATISTICS_TEXTS, type StatisticsText } from './statisticsTexts';

/**
 * The statistics page shell, in Korean or English. It holds no data: the script reads the filters
 * from the address, fetches /stats/data.json and draws, so nothing from a request is ever written
 * into this HTML. The script's words travel in a JSON data block (never executed, so the CSP
 * allowing only same-origin scripts still holds).
 */
export function statisticsPage(language: PageLanguage, switchUrl: string): string {
  const texts = STATISTICS_TEXTS[language];
  const t = (name: StatisticsText) => escapeHtml(texts[name]);
  // In a <script> data block only "</" could end it early; JSON can always write it as "<\/".
  const data = JSON.stringify(texts).replaceAll('</', '<\\/');
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('title')}</title>
<style>
  body { font-family: system-ui, -apple-system, "Apple SD Gothic Neo", "Noto Sans KR", sans-serif; margin: 0; background: #f5f6f8; color: #1d2433; }
  header { background: #1d2433; color: #fff; padding: 16px 24px; display: flex; justify-content: space-between; align-items: start; gap: 16px; }
  header h1 { margin: 0; font-size: 20px; font-weight: 600; }
  header p { margin: 4px 0 0; font-size: 13px; opacity: .8; }
  header a { color: #cfe1ff; font-size: 14px; }
  form { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; padding: 16px 24px 0; font-size: 13px; }
  form label { display: flex; flex-direction: column; gap: 4px; }
  form input, form button { font: inherit; padding: 6px 8px; border: 1px solid #c5cad3; border-radius: 4px; background: #fff; }
  form button { background: #2f6fdb; border-color: #2f6fdb; color: #fff; cursor: pointer; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; padding: 16px 24px 0; }
  .card { background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  .card .value { font-size: 26px; font-weight: 600; }
  .card .label { font-size: 12px; color: #5b6475; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; padding: 16px 24px 24px; }
  figure { margin: 0; background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  figcaption { font-weight: 600; margin-bottom: 8px; }
  .chart-box { position: relative; height: 280px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 8px; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e3e6eb; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  #status { padding: 0 24px; color: #b3261e; font-size: 14px; }
</style>
</head>
<body>
<header>
  <div><h1>${t('title')}</h1><p id="period">${t('loading')}</p></div>
  <a id="language-switch" href="${escapeHtml(switchUrl)}" lang="${language === 'ko' ? 'en' : 'ko'}">${t('switchLanguage')}</a>
</header>
<form id="filters" method="get" action="/stats">
  <label>${t('from')} <input type="date" name="from" id="from"></label>
  <label>${t('to')} <input type="date" name="to" id="to"></label>
  <label>${t('centre')} <input type="text" name="centre" id="centre" placeholder="${t('allCentres')}"></label>
  <input type="hidden" name="lang" value="${language}">
  <input type="hidden" name="token" id="token" disabled>
  <button type="submit">${t('show')}</button>
</form>
<p id="status" role="status"></p>
<section class="cards" aria-label="${t('summary')}">
  <div class="card"><div class="value" id="csat">–</div><div class="label">${t('csat')}</div></div>
  <div class="card"><div class="value" id="reply-rate">–</div><div class="label">${t('replyRate')}</div></div>
  <div class="card"><div class="value" id="answers">–</div><div class="label">${t('answers')}</div></div>
  <div class="card"><div class="value" id="average">–</div><div class="label">${t('average')}</div></div>
</section>
<section class="charts">
  <figure><figcaption>${t('categoryMix')}</figcaption><div class="chart-box"><canvas id="chart-category-mix" aria-label="${t('categoryMix')}"></canvas></div></figure>
  <figure><figcaption>${t('replyRateByChannel')}</figcaption><div class="chart-box"><canvas id="chart-reply-rate" aria-label="${t('replyRateByChannel')}"></canvas></div></figure>
  <figure><figcaption>${t('ratingByTechnician')}</figcaption><div class="chart-box"><canvas id="chart-technician-rating" aria-label="${t('ratingByTechnician')}"></canvas></div></figure>
  <figure><figcaption>${t('csatByMonth')}</figcaption><div class="chart-box"><canvas id="chart-csat-month" aria-label="${t('csatByMonth')}"></canvas></div></figure>
  <figure><figcaption>${t('itemAverages')}</figcaption><div class="chart-box"><canvas id="chart-item-averages" aria-label="${t('itemAverages')}"></canvas></div>
    <table id="item-averages"><thead><tr><th scope="col">${t('item')}</th><th scope="col">${t('averageShort')}</th><th scope="col">${t('ratedBy')}</th></tr></thead><tbody></tbody></table>
  </figure>
</section>
<script type="application/json" id="page-texts">${data}</script>
<script src="/assets/chart.js"></script>
<script src="/assets/stats-page.js"></script>
</body>
</html>
`;
}
