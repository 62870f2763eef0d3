// Issue #7's E2E: Create Fuzz Harness on a function, Start Fuzzing on the new target, the crash shows.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths';
import { openWorkbench, requireInstalledVSCode, type WorkbenchHost } from './workbenchHost';
import { CRASH_TYPES, WorkbenchUi } from './workbenchUi';

/** The function the harness is made for: the device's MMIO write entry point. */
const FUNCTION = 'device_write';
const HARNESS = `${FUNCTION}_fuzz.c`;
const CRASH_TIMEOUT_MS = 180_000;

/** The 1-based line of `void device_write(` in the example, read from the source itself. */
function functionLine(source: string): number {
  const index = source.split('\n').findIndex((l) => new RegExp(`^\\w.*\\b${FUNCTION}\\(`).test(l));
  assert.ok(index >= 0, `${FUNCTION} is not defined in examples/device/device.c`);
  return index + 1;
}

describe('Create Fuzz Harness in the browser', () => {
  let host: WorkbenchHost | undefined;
  let ui: WorkbenchUi;
  let failed = false;

  before(async () => {
    await requireInstalledVSCode();
    host = await openWorkbench({
      name: 'create-harness',
      workspaceFrom: [join(repoRoot, 'examples', 'device')],
      developmentExtension: true,
      trust: true,
    });
    ui = new WorkbenchUi(host.page);
  });

  after(async () => {
    if (host && failed) await ui.screenshot('create-harness-failure').catch(() => {});
    await host?.close(failed);
  });

  async function step(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (err) {
      failed = true;
      throw err;
    }
  }

  test(`Fuzz: Create Fuzz Harness on ${FUNCTION} writes ${HARNESS} and opens it`, async (t) =>
    step(async () => {
      const workspace = (host as WorkbenchHost).workspace;
      const line = functionLine(readFileSync(join(workspace, 'device', 'device.c'), 'utf8'));
      await ui.openFile('device.c');
      await ui.goToLine(line);
      await ui.runCommand('Fuzz: Create Fuzz Harness');
      await ui.pick('Device model');
      await ui.waitForEditor(HARNESS, 1, 60_000);
      const text = readFileSync(join(workspace, 'device', HARNESS), 'utf8');
      assert.match(text, /LLVMFuzzerTestOneInput/);
      // The target lands in a fuzzwb.json of the workspace (its root's or the example's own).
      const configs = ['fuzzwb.json', join('device', 'fuzzwb.json')].filter((rel) => {
        const path = join(workspace, rel);
        return existsSync(path) && readFileSync(path, 'utf8').includes(`${HARNESS}"`);
      });
      assert.ok(configs.length > 0, `no fuzzwb.json in the workspace names ${HARNESS}`);
      t.diagnostic(`target added to ${configs.join(', ')}`);
      t.diagnostic(`created device/${HARNESS} for ${FUNCTION} at device.c:${line}`);
    }));

  test('Fuzz: Start Fuzzing on the new target puts its crash in Problems', async (t) =>
    step(async () => {
      await ui.runCommand('Fuzz: Start Fuzzing');
      await ui.pick(FUNCTION);
      await ui.showProblems();
      const marker = await ui.waitForProblem(
        'a sanitizer crash',
        (row) => row.kind === 'marker' && CRASH_TYPES.test(row.text),
        CRASH_TIMEOUT_MS,
      );
      // The new harness is on the crash's stack: the finding came from the target just made.
      await ui.expandProblem(marker.index);
      const frame = await ui.waitForProblem(
        `a frame in ${HARNESS}`,
        (row) => row.kind === 'related' && row.text.includes(HARNESS),
        10_000,
      );
      t.diagnostic(`Problems: ${marker.text}`);
      t.diagnostic(`frame: ${frame.text}`);
      t.diagnostic(`screenshot: ${await ui.screenshot('e2e-create-harness-problems')}`);
    }));
});
