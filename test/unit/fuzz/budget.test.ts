// The loop's one budget policy, the entry queue per-entry stages take from, and -stages= parsing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BudgetPolicy, DEFAULT_BUDGET, sumStageReports } from '../../../src/engine/fuzz/budget';
import { freshMeta, type CorpusEntry } from '../../../src/engine/fuzz/corpusEntry';
import { EntryQueue, parseStages, STAGE_NAMES } from '../../../src/engine/fuzz/stage';

const STAGES = [
  { name: 'havoc', floor: 0.2 },
  { name: 'i2s', floor: 0.05 },
  { name: 'chain', floor: 0.01 },
];

/** Runs `rounds` picks where each stage costs 10 ms and finds what `finds` says. */
function simulate(policy: BudgetPolicy, rounds: number, finds: (name: string) => number) {
  const ms = new Map<string, number>();
  for (let i = 0; i < rounds; i++) {
    const name = policy.next(['havoc', 'i2s', 'chain']);
    policy.charge(name, 10, finds(name), 100);
    ms.set(name, (ms.get(name) ?? 0) + 10);
  }
  return (name: string) => (ms.get(name) ?? 0) / (rounds * 10);
}

test('a stage that keeps finding gets most of the time', () => {
  const share = simulate(new BudgetPolicy(STAGES), 2000, (n) => (n === 'i2s' ? 1 : 0));
  assert.ok(share('i2s') > 0.6, `i2s got ${share('i2s')}`);
  assert.ok(share('havoc') >= 0.19, 'havoc keeps its floor');
});

test('stages that find nothing fade to their floors, and the time adds up', () => {
  const share = simulate(new BudgetPolicy(STAGES), 3000, (n) => (n === 'havoc' ? 1 : 0));
  assert.ok(share('havoc') > 0.85, `havoc got ${share('havoc')}`);
  assert.ok(share('i2s') >= 0.04 && share('i2s') < 0.1, `i2s got ${share('i2s')}`);
  assert.ok(share('chain') < 0.05, `chain got ${share('chain')}`);
  const sum = share('havoc') + share('i2s') + share('chain');
  assert.ok(Math.abs(sum - 1) < 1e-9);
});

test('a saturated loop keeps its time in havoc: a few finds a minute still beat none', () => {
  // Each round is 10 ms: havoc finds one thing every 20 s, the others nothing at all.
  let round = 0;
  const share = simulate(new BudgetPolicy(STAGES), 12_000, (n) =>
    n === 'havoc' && ++round % 2000 === 0 ? 1 : 0,
  );
  assert.ok(share('havoc') > 0.9, `havoc got ${share('havoc')}`);
  assert.ok(share('i2s') >= 0.04 && share('i2s') < 0.07, `i2s got ${share('i2s')}`);
});

test('when nothing finds anything the rest goes to the first stage', () => {
  const policy = new BudgetPolicy(STAGES);
  // A minute in which nothing finds anything: the others are tried at first, then fade.
  const share = simulate(policy, 6000, () => 0);
  assert.ok(share('havoc') > 0.8, `havoc got ${share('havoc')}`);
  const now = policy.shares(['havoc', 'i2s', 'chain']).get('havoc') ?? 0;
  assert.ok(now > 0.85, `havoc's share is ${now}`);
  const without = policy.shares(['i2s', 'chain']);
  assert.ok((without.get('i2s') ?? 0) >= 0.05 && (without.get('chain') ?? 0) >= 0.01);
  assert.ok(Math.abs((without.get('i2s') ?? 0) + (without.get('chain') ?? 0) - 1) < 1e-9);
});

test('what a stage found long ago counts less than what another finds now', () => {
  const policy = new BudgetPolicy(STAGES, {
    halfLifeMs: 1000,
    priorFinds: 1,
    priorMs: 200,
    exploreMs: 1000,
    focus: 1,
  });
  simulate(policy, 500, (n) => (n === 'i2s' ? 1 : 0));
  const later = simulate(policy, 2000, (n) => (n === 'chain' ? 1 : 0));
  assert.ok(later('chain') > later('i2s'), `chain ${later('chain')}, i2s ${later('i2s')}`);
});

test('focus gives the stage that finds most per second more than its proportional share', () => {
  // havoc finds twice what i2s finds in the same time; chain finds nothing.
  const finds = (n: string): number => (n === 'havoc' ? 2 : n === 'i2s' ? 1 : 0);
  const opts = { ...DEFAULT_BUDGET };
  const even = simulate(new BudgetPolicy(STAGES, { ...opts, focus: 1 }), 4000, finds);
  const focused = simulate(new BudgetPolicy(STAGES, { ...opts, focus: 3 }), 4000, finds);
  // In proportion: havoc 0.2 + 0.74 * 2/3; at focus 3: 0.2 + 0.74 * 8/9.
  assert.ok(Math.abs(even('havoc') - 0.69) < 0.04, `havoc got ${even('havoc')}`);
  assert.ok(Math.abs(focused('havoc') - 0.86) < 0.04, `havoc got ${focused('havoc')}`);
  assert.ok(focused('i2s') >= 0.05 && focused('i2s') < even('i2s'), `i2s got ${focused('i2s')}`);
});

test('only stages with work are picked; floors past the whole time are refused', () => {
  const policy = new BudgetPolicy(STAGES);
  for (let i = 0; i < 50; i++) assert.equal(policy.next(['havoc']), 'havoc');
  assert.throws(() => policy.next([]), /no stage has work/);
  assert.throws(() => policy.charge('nope', 1, 0), /unknown stage/);
  assert.throws(
    () =>
      new BudgetPolicy([
        { name: 'a', floor: 0.7 },
        { name: 'b', floor: 0.5 },
      ]),
  );
});

test('reports carry time, runs, executions and finds; reports of workers add up', () => {
  const policy = new BudgetPolicy(STAGES);
  policy.charge('havoc', 30, 2, 500);
  policy.charge('i2s', 10, 1, 7);
  const report = policy.report();
  const havoc = report.find((r) => r.name === 'havoc');
  assert.deepEqual(
    { ms: havoc?.totalMs, finds: havoc?.finds, runs: havoc?.runs, execs: havoc?.execs },
    { ms: 30, finds: 2, runs: 1, execs: 500 },
  );
  const shares = report.reduce((s, r) => s + r.share, 0);
  assert.ok(Math.abs(shares - 1) < 1e-9);
  const sum = sumStageReports([report, report, []]);
  const both = sum.find((r) => r.name === 'i2s');
  assert.equal(both?.execs, 14);
  assert.equal(both?.runs, 2);
  assert.ok(
    Math.abs((both?.share ?? 0) - (report.find((r) => r.name === 'i2s')?.share ?? 0)) < 1e-9,
  );
});

function entry(id: number): CorpusEntry {
  return {
    input: Buffer.from([id]),
    id,
    foundBy: 'havoc',
    profile: undefined,
    meta: freshMeta(),
    done: new Set(),
    chosen: 0,
    favored: false,
    base: 1,
    weight: 1,
  };
}

test('the entry queue gives the newest entry a stage has not done, and drops the done ones', () => {
  const q = new EntryQueue();
  const [a, b, c] = [entry(1), entry(2), entry(3)];
  q.push(a);
  q.push(b);
  q.push(c);
  c.done.add('i2s');
  assert.equal(q.take('i2s'), b);
  assert.equal(q.size, 1, 'the done entry on top went with it');
  assert.equal(q.has('i2s'), true);
  a.done.add('i2s');
  assert.equal(q.has('i2s'), false);
  assert.equal(q.take('i2s'), undefined);
});

test('the entry queue keeps the newest entries when they come faster than a stage takes them', () => {
  const q = new EntryQueue();
  for (let i = 0; i < 5000; i++) q.push(entry(i));
  assert.ok(q.size <= 1024);
  assert.equal(q.take('x')?.id, 4999);
});

test('-stages= takes names, all, and -name to drop one; havoc cannot go', () => {
  assert.deepEqual([...(parseStages('all') as Set<string>)].sort(), [...STAGE_NAMES].sort());
  assert.deepEqual([...(parseStages('havoc,i2s') as Set<string>)].sort(), ['havoc', 'i2s']);
  const dropped = parseStages('-chain,-probe');
  assert.ok(dropped instanceof Set);
  assert.equal(dropped.has('chain') || dropped.has('probe'), false);
  assert.equal(dropped.size, STAGE_NAMES.length - 2);
  assert.match(parseStages('havoc,bogus') as string, /unknown stage "bogus"/);
  assert.match(parseStages('i2s') as string, /havoc stage cannot be turned off/);
  assert.match(parseStages('-havoc') as string, /havoc stage cannot be turned off/);
});
