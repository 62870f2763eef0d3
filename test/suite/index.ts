// The extensionTestsPath entry: runs the suite with mocha inside VS Code's extension host.
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * Where results go, one JSON object a line. The extension host's console reaches the runner only
 * through the browser, mixed with the workbench's own messages; a file is exact and survives a
 * browser that dies. scripts/vscode/run-suite.mjs sets it on the server, whose environment the
 * extension host inherits.
 */
const RESULTS_ENV = 'FUZZWB_SUITE_RESULTS';

type SuiteEvent =
  | { event: 'pass'; title: string; ms: number }
  | { event: 'fail'; title: string; error: string }
  | { event: 'end'; passed: number; failed: number };

function reporterFor(resultsFile: string): (event: SuiteEvent) => void {
  return (event) => {
    appendFileSync(resultsFile, `${JSON.stringify(event)}\n`);
  };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/** Called by VS Code once the extension host is up; a rejection makes the suite's exit code 1. */
export async function run(): Promise<void> {
  const resultsFile = process.env[RESULTS_ENV];
  if (!resultsFile)
    throw new Error(`${RESULTS_ENV} is not set: start the suite with run-suite.mjs`);
  const report = reporterFor(resultsFile);

  // The tdd interface matches the `suite`/`test` names the test files import from mocha.
  const mocha = new Mocha({ ui: 'tdd', reporter: 'dot', timeout: 30_000, color: false });
  // FUZZWB_SUITE_GREP runs only the tests whose full title matches (one suite while working on it).
  const grep = process.env.FUZZWB_SUITE_GREP;
  if (grep) mocha.grep(grep);
  const testFiles = readdirSync(__dirname).filter((name) => name.endsWith('.test.js'));
  if (testFiles.length === 0) throw new Error(`no *.test.js files in ${__dirname}`);
  for (const name of testFiles.sort()) mocha.addFile(join(__dirname, name));

  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => report({ event: 'pass', title: t.fullTitle(), ms: t.duration ?? 0 }));
    runner.on('fail', (t, err) =>
      report({ event: 'fail', title: t.fullTitle(), error: errorText(err) }),
    );
    runner.on('end', () => {
      const stats = runner.stats;
      report({ event: 'end', passed: stats?.passes ?? 0, failed: stats?.failures ?? 0 });
    });
  });
  if (failures > 0) throw new Error(`${failures} test${failures === 1 ? '' : 's'} failed`);
}
