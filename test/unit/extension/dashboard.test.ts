// Dashboard data: downsampling keeps ends and extremes within the point budget; CSP and update.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contentSecurityPolicy,
  dashboardHtml,
} from '../../../src/extension/dashboard/dashboardHtml';
import { dashboardUpdate, downsample } from '../../../src/extension/dashboard/series';
import type { StatsSample } from '../../../src/extension/state/statsHistory';
import { finding, status } from './fixtures';

function samples(n: number, eps: (i: number) => number): StatsSample[] {
  return Array.from({ length: n }, (_, i) => ({
    ms: i * 500,
    execs: i * 100,
    execsPerSec: eps(i),
    cov: i,
    corpus: 1,
    findings: 0,
  }));
}

test('few samples pass through unchanged, in seconds', () => {
  const s = samples(3, (i) => i * 10);
  assert.deepEqual(
    downsample(s, (x) => x.execsPerSec, 100),
    [
      [0, 0],
      [0.5, 10],
      [1, 20],
    ],
  );
});

test('many samples: within budget, ends kept, a one-sample spike and dip survive, time ordered', () => {
  const s = samples(10_000, (i) => (i === 4321 ? 1e6 : i === 777 ? -5 : 1000));
  const pts = downsample(s, (x) => x.execsPerSec, 100);
  assert.ok(pts.length <= 100, `${pts.length} points`);
  assert.ok(pts.length >= 50, `${pts.length} points`);
  assert.deepEqual(pts[0], [0, 1000]);
  assert.deepEqual(pts.at(-1), [(9999 * 500) / 1000, 1000]);
  assert.ok(
    pts.some(([, v]) => v === 1e6),
    'the spike is kept',
  );
  assert.ok(
    pts.some(([, v]) => v === -5),
    'the dip is kept',
  );
  for (let i = 1; i < pts.length; i++) {
    assert.ok((pts[i]?.[0] ?? 0) >= (pts[i - 1]?.[0] ?? 0), `point ${i} goes back in time`);
  }
});

test('a monotone series stays monotone after downsampling', () => {
  const pts = downsample(
    samples(5000, () => 0),
    (x) => x.cov,
    64,
  );
  for (let i = 1; i < pts.length; i++) assert.ok((pts[i]?.[1] ?? 0) >= (pts[i - 1]?.[1] ?? 0));
});

test('the update carries stats, series and the findings list', () => {
  const u = dashboardUpdate({
    session: { id: 1, target: 'device', running: true },
    status: status(),
    totals: undefined,
    samples: samples(10, () => 7),
    findings: [{ target: 'device', record: finding() }],
  });
  assert.equal(u.title, 'device');
  assert.equal(u.stats?.execsPerSec, 1234);
  assert.equal(u.series.cov.length, 10);
  assert.deepEqual(u.findings[0], {
    type: 'heap-use-after-free READ',
    where: '__asan_memcpy asan_interceptors.cpp:63',
    hits: 3,
    verification: 'reproducible',
    artifact: finding().artifact,
  });
  const empty = dashboardUpdate({
    session: undefined,
    status: undefined,
    totals: undefined,
    samples: [],
    findings: [],
  });
  assert.equal(empty.stats, null);
  assert.equal(empty.running, false);
});

test('the CSP allows nothing remote and only the nonce-named script', () => {
  assert.equal(
    contentSecurityPolicy('vscode-resource:', 'abc'),
    "default-src 'none'; img-src vscode-resource:; style-src vscode-resource:; script-src 'nonce-abc'",
  );
  const html = dashboardHtml({
    cspSource: 'https://x.vscode-cdn.net',
    scriptUri: 'https://x/main.js',
    styleUri: 'https://x/style.css',
    nonce: 'N0nce',
  });
  assert.match(html, /<script nonce="N0nce" src="https:\/\/x\/main.js">/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.doesNotMatch(html, /style="/, 'no inline styles: the CSP would block them');
});
