// Draws the statistics page from /stats/data.json. Runs in the browser; Chart.js is the global
// loaded from /assets/chart.js just before this script. Its words come from the page (the
// #page-texts data block), in the page's language.
(function () {
  'use strict';

  var T = JSON.parse(document.getElementById('page-texts').textContent);
  var LOCALE = document.documentElement.lang === 'ko' ? 'ko-KR' : 'en-GB';

  function say(name, vars) {
    return (T[name] || name).replace(/\{(\w+)\}/g, function (_, key) {
      return vars && vars[key] !== undefined ? String(vars[key]) : '';
    });
  }
  function named(prefix, value) {
    return T[prefix + value] || value;
  }

  var CATEGORY_COLOURS = {
    repeat_failure: '#d9480f',
    usage_question: '#f0a202',
    complaint: '#c92a2a',
    delighted: '#2b8a3e',
    satisfied: '#4dabf7',
  };

  var params = new URLSearchParams(location.search);
  ['from', 'to', 'centre'].forEach(function (name) {
    var value = params.get(name);
    if (value) document.getElementById(name).value = value;
  });
  // Keep the token across filter changes without showing it.
  if (params.get('token')) {
    var token = document.getElementById('token');
    token.value = params.get('token');
    token.disabled = false;
  }

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }
  function pct(v) {
    return v === null || v === undefined ? '–' : v.toFixed(1) + '%';
  }

  function itemTable(items) {
    var body = document.querySelector('#item-averages tbody');
    if (items.length === 0) {
      var empty = document.createElement('tr');
      var cell = document.createElement('td');
      cell.colSpan = 3;
      cell.textContent = say('noItems');
      empty.appendChild(cell);
      body.appendChild(empty);
      return;
    }
    items.forEach(function (i) {
      var row = document.createElement('tr');
      row.dataset.item = i.item;
      [named('item_', i.item), i.averageRating.toFixed(2), i.replies.toLocaleString(LOCALE)].forEach(function (value, index) {
        var td = document.createElement('td');
        td.textContent = value;
        if (index > 0) td.className = 'num';
        row.appendChild(td);
      });
      body.appendChild(row);
    });
  }

  function draw(report) {
    // Screenshots and tests need the final picture at once, not an animation's first frame.
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.locale = LOCALE;

    text('period', say('period', {
      from: report.period.from,
      to: report.period.to,
      zone: report.period.timeZone,
      centre: report.centreId ? say('centreNamed', { id: report.centreId }) : say('allCentres'),
    }));
    if (!params.get('from')) document.getElementById('from').value = report.period.from;
    if (!params.get('to')) document.getElementById('to').value = report.period.to;
    text('csat', pct(report.summary.csatPct));
    text('reply-rate', pct(report.summary.replyRatePct));
    text('answers', String(report.summary.replies));
    text('average', report.summary.averageRating === null ? '–' : report.summary.averageRating.toFixed(2));

    new Chart(document.getElementById('chart-category-mix'), {
      type: 'doughnut',
      data: {
        labels: report.categoryMix.map(function (c) { return named('cat_', c.category); }),
        datasets: [{
          data: report.categoryMix.map(function (c) { return c.replies; }),
          backgroundColor: report.categoryMix.map(function (c) { return CATEGORY_COLOURS[c.category] || '#868e96'; }),
        }],
      },
      options: { plugins: { legend: { position: 'right' } } },
    });

    new Chart(document.getElementById('chart-reply-rate'), {
      type: 'bar',
      data: {
        labels: report.replyRateByChannel.map(function (r) { return named('ch_', r.channel); }),
        datasets: [{
          label: say('replyRatePct'),
          data: report.replyRateByChannel.map(function (r) { return r.replyRatePct; }),
          backgroundColor: '#2f6fdb',
        }],
      },
      options: {
        scales: { y: { min: 0, max: 100, title: { display: true, text: say('replyRateAxis') } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { afterLabel: function (ctx) { var r = report.replyRateByChannel[ctx.dataIndex]; return say('ofRequests', { replied: r.replied, surveyed: r.surveyed }); } } },
        },
      },
    });

    var technicians = report.ratings.byTechnician;
    new Chart(document.getElementById('chart-technician-rating'), {
      type: 'bar',
      data: {
        labels: technicians.map(function (t) { return t.label; }),
        datasets: [{
          label: say('averageRating'),
          data: technicians.map(function (t) { return t.averageRating; }),
          backgroundColor: '#7048e8',
        }],
      },
      options: {
        indexAxis: technicians.length > 8 ? 'y' : 'x',
        scales: technicians.length > 8 ? { x: { min: 0, max: 5 } } : { y: { min: 0, max: 5 } },
        plugins: { legend: { display: false } },
      },
    });

    var months = report.ratings.byMonth;
    new Chart(document.getElementById('chart-csat-month'), {
      type: 'line',
      data: {
        labels: months.map(function (m) { return m.key; }),
        datasets: [{
          label: say('csatPct'),
          data: months.map(function (m) { return m.csatPct; }),
          borderColor: '#2b8a3e',
          backgroundColor: 'rgba(43, 138, 62, 0.15)',
          fill: true,
          pointRadius: 4,
          spanGaps: true,
        }],
      },
      options: { scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
    });

    var items = report.itemAverages || [];
    new Chart(document.getElementById('chart-item-averages'), {
      type: 'bar',
      data: {
        labels: items.map(function (i) { return named('item_', i.item); }),
        datasets: [{
          label: say('averageRating'),
          data: items.map(function (i) { return i.averageRating; }),
          backgroundColor: '#e8590c',
        }],
      },
      options: { indexAxis: 'y', scales: { x: { min: 0, max: 5 } }, plugins: { legend: { display: false } } },
    });
    itemTable(items);

    window.__chartsReady = true;
  }

  fetch('/stats/data.json' + location.search, { headers: { accept: 'application/json' } })
    .then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.error || 'HTTP ' + res.status);
        return body;
      });
    })
    .then(draw)
    .catch(function (err) {
      text('status', say('loadFailed', { error: err.message }));
      text('period', '');
      window.__chartsError = err.message;
    });
})();
