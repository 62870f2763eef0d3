// The browser E2E: Start Fuzzing from the palette, the crash in Problems, a frame click, the gutter.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths';
import { openWorkbench, requireInstalledVSCode, type WorkbenchHost } from './workbenchHost';
import { CRASH_TYPES, WorkbenchUi, type ProblemRow } from './workbenchUi';

/** The device example's shallowest bug is found in seconds; building and a slow CI add a minute. */
const CRASH_TIMEOUT_MS = 180_000;

/** "device.c [Ln 146, Col 32] : #0 device_write" in a related row: its file and line. */
function relatedLocation(row: ProblemRow): { file: string; line: number } | undefined {
  const m = /([\w.+-]+\.(?:c|cc|cpp|h))\s*\[Ln (\d+), Col \d+\]/.exec(row.text);
  return m ? { file: m[1] as string, line: Number(m[2]) } : undefined;
}

describe('Start Fuzzing in the browser', () => {
  let host: WorkbenchHost | undefined;
  let ui: WorkbenchUi;
  let failed = false;
  /** The frame clicked in Problems: the editor must open there. */
  let frame: { file: string; line: number } | undefined;

  before(async () => {
    await requireInstalledVSCode();
    host = await openWorkbench({
      name: 'start-fuzzing',
      workspaceFrom: [join(repoRoot, 'examples', 'device')],
      developmentExtension: true,
      trust: true,
    });
    ui = new WorkbenchUi(host.page);
  });

  after(async () => {
    if (host && failed) await ui.screenshot('start-fuzzing-failure').catch(() => {});
    await host?.close(failed);
  });

  /** Marks the run failed (its state is kept, a screenshot taken) when a step throws. */
  async function step(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (err) {
      failed = true;
      throw err;
    }
  }

  test('Fuzz: Start Fuzzing on the picked target puts the crash in Problems', async (t) =>
    step(async () => {
      await ui.runCommand('Fuzz: Start Fuzzing');
      await ui.pick('device_fuzz');
      await ui.showProblems();
      const marker = await ui.waitForProblem(
        'a sanitizer crash',
        (row) => row.kind === 'marker' && CRASH_TYPES.test(row.text),
        CRASH_TIMEOUT_MS,
      );
      t.diagnostic(`Problems: ${marker.text}`);
      // Related information (the frames and stacks) hangs below the marker.
      await ui.expandProblem(marker.index);
      const rows = await ui.problemRows();
      const related = rows.filter((r) => r.kind === 'related');
      assert.ok(related.length >= 2, `expected frames below the crash, got ${rows.length} rows`);
      t.diagnostic(`screenshot: ${await ui.screenshot('e2e-problems')}`);
    }));

  test('clicking a related frame opens the editor at that line', async (t) =>
    step(async () => {
      // While the session runs, new findings re-sort the Problems tree under the pointer. A
      // stopped session's findings stay in Problems and its coverage in the gutter, so stop it
      // and wait for the tree to settle: the click target then stays where it was found.
      await ui.runCommand('Fuzz: Stop Fuzzing');
      let rows = await ui.waitForStableProblems(2_000, 30_000);
      if (!rows.some((r) => r.kind === 'related')) {
        const marker = rows.find((r) => r.kind === 'marker' && CRASH_TYPES.test(r.text));
        assert.ok(marker, `no crash left in Problems:\n${rows.map((r) => r.text).join('\n')}`);
        await ui.expandProblem(marker.index);
        rows = await ui.problemRows();
      }
      // The first frame in the example's own sources (not the runtime's), as a user picks it.
      const target = rows.find(
        (r) => r.kind === 'related' && /^device/.test(relatedLocation(r)?.file ?? ''),
      );
      assert.ok(
        target,
        `no related frame with a location in:\n${rows.map((r) => r.text).join('\n')}`,
      );
      frame = relatedLocation(target);
      assert.ok(frame);
      // By its text, not its index; and should a late re-render still move the row, the user
      // would click again, as here.
      const label = /#\d+ \S+/.exec(target.text)?.[0] ?? target.text;
      for (let attempt = 1; ; attempt++) {
        await ui.problemRowWith([`${frame.file}`, `Ln ${frame.line},`, label]).click();
        try {
          await ui.waitForEditor(frame.file, frame.line, 5_000);
          break;
        } catch (err) {
          if (attempt === 3) throw err;
          t.diagnostic(`click ${attempt} missed (${(err as Error).message}); clicking again`);
        }
      }
      assert.equal(await ui.activeEditorName(), frame.file);
      assert.equal((await ui.cursor()).line, frame.line);
      t.diagnostic(`opened ${frame.file} at line ${frame.line}`);
    }));

  test('the editor of that frame shows coverage in the gutter', async (t) =>
    step(async () => {
      assert.ok(frame, 'the previous test did not open a frame');
      const lines = await ui.waitForGutter(30_000);
      const covered = lines.filter((l) => l.state === 'covered' || l.state === 'partial');
      assert.ok(covered.length > 0, `no covered line among ${lines.length} decorated lines`);
      // The crash ran the frame's line, so the fuzzer reached it: the gutter must say so.
      const at = lines.find((l) => l.line === frame?.line);
      t.diagnostic(`gutter: ${lines.length} lines decorated, line ${frame.line}: ${at?.state}`);
      t.diagnostic(`screenshot: ${await ui.screenshot('e2e-gutter')}`);
      assert.ok(
        at?.state === 'covered' || at?.state === 'partial',
        `line ${frame.line} of ${frame.file}, where the crash's frame is, shows ${at?.state ?? 'no decoration'}`,
      );
    }));
});
