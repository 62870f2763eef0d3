// `fuzzwb fuzz` and the target's process group: a harness that kills its group is a finding, not
// the end of fuzzwb; Ctrl-C and a SIGKILLed engine leave no process of the target behind.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtureTarget } from '../../helpers/build';
import { findings, fuzzwbBin } from '../../helpers/fuzzCli';
import { processesOf, untilNone } from '../../helpers/procs';

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts fuzzwb in a process group of its own, as a shell starts a job: the signals a test sends
 * to that group are what a terminal sends, and a target that kills the group it shares with
 * fuzzwb (before the fix) cannot kill the test runner too.
 */
function startFuzz(args: string[], env: Record<string, string>): Run {
  const child = spawn(fuzzwbBin, ['fuzz', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    stderr += s;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => stderr, exited };
}

async function until(cond: () => boolean, limitMs: number): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Runs body on a started fuzzwb; afterwards nothing of it or of the target is left running,
 * whatever body asserted (a target that outlived fuzzwb must not spin on after a failed test).
 */
async function withFuzz(
  target: string,
  args: string[],
  env: Record<string, string>,
  body: (run: Run) => Promise<void>,
): Promise<void> {
  const run = startFuzz([target, ...args], env);
  try {
    await body(run);
  } finally {
    const kill = (pid: number): void => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    kill(-(run.child.pid ?? 0));
    for (const p of processesOf(target)) kill(p.pid);
  }
}

/** A corpus directory holding the given seeds (run in name order). */
function corpusOf(work: string, seeds: Record<string, string>): string {
  const dir = join(work, 'corpus');
  mkdirSync(dir);
  for (const [name, data] of Object.entries(seeds)) writeFileSync(join(dir, name), data);
  return dir;
}

test(
  'a harness calling kill(0, SIGKILL) is a finding: fuzzwb survives and exits 77',
  { timeout: 120_000 },
  async () => {
    const target = buildFixtureTarget(['hostile.c'], { sanitizers: 'none', name: 'hostile-kill' });
    const work = mkdtempSync(join(tmpdir(), 'fwb-groupkill-'));
    const corpus = corpusOf(work, { a: 'o', b: 'K' });
    const prefix = `${join(work, 'findings')}/`;
    const args = [corpus, '-workers=1', '-seed=1', `-artifact_prefix=${prefix}`];
    await withFuzz(target, args, { HOSTILE_MODES: 'K' }, async (run) => {
      const end = await run.exited;
      assert.deepEqual(end, { code: 77, signal: null }, run.stderr().slice(-2000));
      assert.match(run.stderr(), /==fuzzwb== new server-died/);
      const found = findings(join(work, 'findings'));
      assert.equal(found.length, 1, run.stderr().slice(-2000));
      assert.equal(found[0]?.kind, 'server-died');
    });
  },
);

for (const mode of ['fork', 'hybrid']) {
  test(
    `${mode}: Ctrl-C stops fuzzwb and every process of the target`,
    { timeout: 120_000 },
    async () => {
      const target = buildFixtureTarget(['hostile.c'], {
        sanitizers: 'none',
        name: `hostile-ctrlc-${mode}`,
      });
      const work = mkdtempSync(join(tmpdir(), 'fwb-ctrlc-'));
      const marker = join(work, 'grandchild');
      const prefix = `-artifact_prefix=${join(work, 'findings')}/`;
      const args = [corpusOf(work, { a: 'G' }), '-workers=1', '-seed=1', `-mode=${mode}`, prefix];
      const env = { HOSTILE_MODES: 'G', HOSTILE_MARKER: marker };
      await withFuzz(target, args, env, async (run) => {
        assert.ok(
          await until(() => existsSync(marker) && /\tNEW /.test(run.stderr()), 60_000),
          run.stderr().slice(-2000),
        );
        assert.ok(processesOf(target).length >= 2, 'the target and the grandchild run');
        // A terminal's Ctrl-C signals its foreground job: fuzzwb's group (which the target left).
        process.kill(-(run.child.pid ?? 0), 'SIGINT');
        const end = await run.exited;
        assert.deepEqual(end, { code: 0, signal: null }, run.stderr().slice(-2000));
        assert.deepEqual(await untilNone(() => processesOf(target), 5000), []);
      });
    },
  );

  test(
    `${mode}: a SIGKILLed fuzzwb leaves no process of the target running`,
    { timeout: 120_000 },
    async () => {
      const target = buildFixtureTarget(['hostile.c'], {
        sanitizers: 'none',
        name: `hostile-sigkill-${mode}`,
      });
      const work = mkdtempSync(join(tmpdir(), 'fwb-enginekill-'));
      const marker = join(work, 'grandchild');
      // The grandchild, then an input that hangs far past the time the test waits.
      const corpus = corpusOf(work, { a: 'G', b: 'H' });
      const prefix = `-artifact_prefix=${join(work, 'findings')}/`;
      const args = [corpus, '-workers=1', '-seed=1', `-mode=${mode}`, '-timeout=100', prefix];
      const env = { HOSTILE_MODES: 'GH', HOSTILE_MARKER: marker };
      await withFuzz(target, args, env, async (run) => {
        assert.ok(await until(() => existsSync(marker), 60_000), run.stderr().slice(-2000));
        // Long enough for the hang to have started.
        await new Promise((r) => setTimeout(r, 1000));
        assert.ok(processesOf(target).length >= 2, 'the target and the grandchild run');
        run.child.kill('SIGKILL');
        await run.exited;
        assert.deepEqual(await untilNone(() => processesOf(target), 5000), []);
      });
    },
  );
}
