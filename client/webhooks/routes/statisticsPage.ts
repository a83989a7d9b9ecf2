/**
 * The statistics page shell. It holds no data: the script reads the filters from the address,
 * fetches /stats/data.json and draws, so nothing from a request is ever written into this HTML.
 */
export const STATISTICS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Satisfaction statistics</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2433; }
  header { background: #1d2433; color: #fff; padding: 16px 24px; }
  header h1 { margin: 0; font-size: 20px; font-weight: 600; }
  header p { margin: 4px 0 0; font-size: 13px; opacity: .8; }
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
  #status { padding: 0 24px; color: #b3261e; font-size: 14px; }
</style>
</head>
<body>
<header>
  <h1>Satisfaction statistics</h1>
  <p id="period">Loading…</p>
</header>
<form id="filters" method="get" action="/stats">
  <label>From <input type="date" name="from" id="from"></label>
  <label>To (exclusive) <input type="date" name="to" id="to"></label>
  <label>Service centre <input type="text" name="centre" id="centre" placeholder="all centres"></label>
  <input type="hidden" name="token" id="token" disabled>
  <button type="submit">Show</button>
</form>
<p id="status" role="status"></p>
<section class="cards" aria-label="Summary">
  <div class="card"><div class="value" id="csat">–</div><div class="label">CSAT (share of rated answers rated 4–5)</div></div>
  <div class="card"><div class="value" id="reply-rate">–</div><div class="label">Reply rate (answered / surveyed requests)</div></div>
  <div class="card"><div class="value" id="answers">–</div><div class="label">On-time answers</div></div>
  <div class="card"><div class="value" id="average">–</div><div class="label">Average rating (1–5)</div></div>
</section>
<section class="charts">
  <figure><figcaption>Category mix</figcaption><div class="chart-box"><canvas id="chart-category-mix" aria-label="Category mix"></canvas></div></figure>
  <figure><figcaption>Reply rate by survey channel</figcaption><div class="chart-box"><canvas id="chart-reply-rate" aria-label="Reply rate by channel"></canvas></div></figure>
  <figure><figcaption>Average rating by technician</figcaption><div class="chart-box"><canvas id="chart-technician-rating" aria-label="Average rating by technician"></canvas></div></figure>
  <figure><figcaption>CSAT by month</figcaption><div class="chart-box"><canvas id="chart-csat-month" aria-label="CSAT by month"></canvas></div></figure>
</section>
<script src="/assets/chart.js"></script>
<script src="/assets/stats-page.js"></script>
</body>
</html>
`;
