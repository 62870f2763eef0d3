// Dashboard webview script: draws coverage and execs/s over time on canvases, lists findings.
/* global acquireVsCodeApi, document, window, getComputedStyle */
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

  function cssVar(name, fallback) {
    const v = getComputedStyle(document.body).getPropertyValue(name).trim();
    return v || fallback;
  }

  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function fmtTime(s) {
    if (s < 120) return `${Math.round(s)}s`;
    if (s < 7200) return `${Math.round(s / 60)}m`;
    return `${(s / 3600).toFixed(1)}h`;
  }

  /** A line plot of [x seconds, y] points, with y gridlines and end labels. */
  function plot(canvas, points, color) {
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const fg = cssVar('--vscode-foreground', '#ccc');
    const grid = cssVar('--vscode-editorWidget-border', '#444');
    ctx.font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const left = 56;
    const bottom = 18;
    const w = width - left - 8;
    const h = height - bottom - 8;
    if (points.length === 0) {
      ctx.fillStyle = fg;
      ctx.fillText('no data yet', left + 8, 8 + h / 2);
      return;
    }
    const xMax = Math.max(points[points.length - 1][0], 1);
    const yMax = niceMax(Math.max(...points.map((p) => p[1])));
    ctx.strokeStyle = grid;
    ctx.fillStyle = fg;
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = 8 + h - (h * i) / 4;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + w, y);
      ctx.stroke();
      ctx.fillText(nf.format((yMax * i) / 4), 4, y + 4);
    }
    ctx.fillText('0', left, height - 4);
    const endLabel = fmtTime(xMax);
    ctx.fillText(endLabel, left + w - ctx.measureText(endLabel).width, height - 4);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach(([x, y], i) => {
      const px = left + (w * x) / xMax;
      const py = 8 + h - (h * Math.max(0, y)) / yMax;
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    });
    ctx.stroke();
  }

  function stat(label, value) {
    const div = document.createElement('div');
    div.className = 'stat';
    const v = document.createElement('span');
    v.className = 'value';
    v.textContent = value;
    const l = document.createElement('span');
    l.className = 'label';
    l.textContent = label;
    div.append(v, l);
    return div;
  }

  function render(u) {
    document.getElementById('title').textContent = u.title;
    document.getElementById('state').textContent = u.running ? 'fuzzing' : 'not running';
    const stats = document.getElementById('stats');
    stats.replaceChildren();
    if (u.stats) {
      stats.append(
        stat('execs/s', nf.format(u.stats.execsPerSec)),
        stat('executions', nf.format(u.stats.execs)),
        stat('edges', nf.format(u.stats.cov)),
        stat('corpus', nf.format(u.stats.corpus)),
        stat('unique crashes', nf.format(u.stats.findings)),
        stat('elapsed', fmtTime(u.stats.elapsedMs / 1000)),
      );
    }
    if (u.totals) {
      stats.append(
        stat('lines hit', `${nf.format(u.totals.linesHit)} / ${nf.format(u.totals.lines)}`),
        stat(
          'functions hit',
          `${nf.format(u.totals.functionsHit)} / ${nf.format(u.totals.functions)}`,
        ),
      );
    }
    plot(document.getElementById('cov'), u.series.cov, cssVar('--vscode-charts-green', '#2ea043'));
    plot(
      document.getElementById('eps'),
      u.series.execsPerSec,
      cssVar('--vscode-charts-blue', '#3794ff'),
    );
    const body = document.querySelector('#findings tbody');
    body.replaceChildren();
    for (const f of u.findings) {
      const tr = document.createElement('tr');
      for (const text of [f.type, f.where, nf.format(f.hits), f.verification]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      tr.title = f.artifact;
      body.append(tr);
    }
    if (u.findings.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = 4;
      td.textContent = 'No crashes found yet.';
      tr.append(td);
      body.append(tr);
    }
    vscode.setState(u);
  }

  let last = vscode.getState();
  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'update') {
      last = event.data;
      render(last);
    }
  });
  window.addEventListener('resize', () => {
    if (last) render(last);
  });
  if (last) render(last);
  vscode.postMessage({ type: 'ready' });
})();
