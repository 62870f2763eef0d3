// The same coverage through VS Code's Test Coverage API: per-file percentages in the explorer.
import * as vscode from 'vscode';
import type { WorkbenchState } from '../state/workbenchState';

export const TEST_CONTROLLER_ID = 'fuzzwb';

/**
 * One test item per fuzz target. Running the coverage profile does not fuzz: it publishes what
 * the running (or last) session has reached, so the Test Coverage view, the explorer's per-file
 * percentages and the inline statement view show the fuzzer's coverage.
 */
export class FuzzTestCoverage implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, 'Fuzz Workbench');
  readonly profile: vscode.TestRunProfile;
  private readonly unsubscribe: () => void;

  constructor(private readonly state: WorkbenchState) {
    this.profile = this.controller.createRunProfile(
      'Fuzzing coverage',
      vscode.TestRunProfileKind.Coverage,
      (request, token) => this.run(request, token),
      true,
    );
    this.profile.loadDetailedCoverage = (_run, file) => Promise.resolve(this.details(file.uri));
    this.syncItems();
    this.unsubscribe = state.onChange((change) => {
      if (change.kind === 'session' || change.kind === 'findings') this.syncItems();
    });
  }

  /** Targets known from the session and the findings; items are never removed mid-session. */
  private syncItems(): void {
    const names = new Set(this.state.findings().map((f) => f.target));
    const session = this.state.session;
    if (session !== undefined) names.add(session.target);
    for (const name of names) {
      if (this.controller.items.get(name) !== undefined) continue;
      const item = this.controller.createTestItem(name, name);
      item.description = 'fuzz target';
      this.controller.items.add(item);
    }
  }

  /** Publishes the state's coverage in a run of the given (or every) target. */
  run(request: vscode.TestRunRequest, token?: vscode.CancellationToken): void {
    const run = this.controller.createTestRun(request, 'Fuzzing coverage', false);
    const items: vscode.TestItem[] = [];
    if (request.include !== undefined) items.push(...request.include);
    else this.controller.items.forEach((item) => items.push(item));
    const files = this.state.coverage.fileNames();
    for (const item of items) run.started(item);
    if (files.length === 0) {
      run.appendOutput('No coverage yet: start fuzzing a target first.\r\n');
    }
    for (const file of files) {
      if (token?.isCancellationRequested === true) break;
      const counts = this.state.coverage.counts(file);
      if (counts === undefined) continue;
      const declarations =
        counts.functionsTotal > 0
          ? new vscode.TestCoverageCount(counts.functionsHit, counts.functionsTotal)
          : undefined;
      run.addCoverage(
        new vscode.FileCoverage(
          vscode.Uri.file(file),
          new vscode.TestCoverageCount(counts.linesHit, counts.linesTotal),
          undefined,
          declarations,
        ),
      );
    }
    for (const item of items) {
      if (files.length > 0) run.passed(item);
      else run.skipped(item);
    }
    run.end();
  }

  /** One statement per instrumented line; a partial line shows a hit and a missed branch. */
  details(uri: vscode.Uri): vscode.StatementCoverage[] {
    const lines = this.state.coverage.get(uri.fsPath)?.lines;
    if (lines === undefined) return [];
    const out: vscode.StatementCoverage[] = [];
    for (const [line, state] of [...lines].sort((a, b) => a[0] - b[0])) {
      const at = new vscode.Position(line - 1, 0);
      const branches =
        state === 'partial'
          ? [new vscode.BranchCoverage(true), new vscode.BranchCoverage(false)]
          : [];
      out.push(new vscode.StatementCoverage(state === 'uncovered' ? 0 : 1, at, branches));
    }
    return out;
  }

  dispose(): void {
    this.unsubscribe();
    this.controller.dispose();
  }
}
