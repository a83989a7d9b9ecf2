// Draws the statistics page from /stats/data.json. Runs in the browser; Chart.js is the global
// loaded from /assets/chart.js just before this script.
(function () {
  'use strict';

  var CATEGORY_LABELS = {
    repeat_failure: 'Repeat failure',
    usage_question: 'Usage question',
    complaint: 'Complaint',
    delighted: 'Delighted',
    satisfied: 'Satisfied',
  };
  var CATEGORY_COLOURS = {
    repeat_failure: '#d9480f',
    usage_question: '#f0a202',
    complaint: '#c92a2a',
    delighted: '#2b8a3e',
    satisfied: '#4dabf7',
  };
  var CHANNEL_LABELS = { voice: 'Phone call', sms: 'SMS', email: 'Email', whatsapp: 'WhatsApp' };

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

  function draw(report) {
    // Screenshots and tests need the final picture at once, not an animation's first frame.
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;

    text('period', report.period.from + ' to ' + report.period.to + ' (exclusive, ' + report.period.timeZone + ') · ' + (report.centreId ? 'centre ' + report.centreId : 'all centres'));
    if (!params.get('from')) document.getElementById('from').value = report.period.from;
    if (!params.get('to')) document.getElementById('to').value = report.period.to;
    text('csat', pct(report.summary.csatPct));
    text('reply-rate', pct(report.summary.replyRatePct));
    text('answers', String(report.summary.replies));
    text('average', report.summary.averageRating === null ? '–' : report.summary.averageRating.toFixed(2));

    new Chart(document.getElementById('chart-category-mix'), {
      type: 'doughnut',
      data: {
        labels: report.categoryMix.map(function (c) { return CATEGORY_LABELS[c.category] || c.category; }),
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
        labels: report.replyRateByChannel.map(function (r) { return CHANNEL_LABELS[r.channel] || r.channel; }),
        datasets: [{
          label: 'Reply rate %',
          data: report.replyRateByChannel.map(function (r) { return r.replyRatePct; }),
          backgroundColor: '#2f6fdb',
        }],
      },
      options: {
        scales: { y: { min: 0, max: 100, title: { display: true, text: '% of surveyed requests answered' } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { afterLabel: function (ctx) { var r = report.replyRateByChannel[ctx.dataIndex]; return r.replied + ' of ' + r.surveyed + ' requests'; } } },
        },
      },
    });

    var technicians = report.ratings.byTechnician;
    new Chart(document.getElementById('chart-technician-rating'), {
      type: 'bar',
      data: {
        labels: technicians.map(function (t) { return t.label; }),
        datasets: [{
          label: 'Average rating',
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
          label: 'CSAT %',
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
      text('status', 'Could not load the statistics: ' + err.message);
      text('period', '');
      window.__chartsError = err.message;
    });
})();
