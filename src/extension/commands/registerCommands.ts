// Registers the "Fuzz" commands; each one's work lives in its own module.
import * as vscode from 'vscode';
import type { CreateHarnessParams } from '../../protocol/messages';
import type { CoreContext } from './coreContext';
import { createHarness, CreateHarnessActions, CREATE_HARNESS_COMMAND } from './createHarness';
import { debugCrash } from './debugCrash';
import { minimizeCrash, ReportDocuments, reproduceCrash } from './findingCommands';
import { importFindings, IMPORT_FINDINGS_COMMAND } from './importFindings';
import { startFuzzing, stopFuzzing } from './startFuzzing';

/** The parts of the UI (ui.ts) the commands drive. */
export interface UiActions {
  coverage: { show(): void; hide(): void };
  openDashboard(): unknown;
}

export function registerCommands(ctx: CoreContext, ui: UiActions): void {
  const reports = new ReportDocuments();
  const reg = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, fn);
  ctx.extension.subscriptions.push(
    reports,
    vscode.workspace.registerTextDocumentContentProvider(ReportDocuments.scheme, reports),
    reg('fuzzwb.startFuzzing', (name) =>
      startFuzzing(ctx, typeof name === 'string' ? name : undefined),
    ),
    reg('fuzzwb.stopFuzzing', () => stopFuzzing(ctx)),
    reg(IMPORT_FINDINGS_COMMAND, (name, uris) =>
      importFindings(
        ctx,
        typeof name === 'string' ? name : undefined,
        Array.isArray(uris) ? uris.filter((u) => u instanceof vscode.Uri) : undefined,
      ),
    ),
    reg('fuzzwb.showCoverage', () => ui.coverage.show()),
    reg('fuzzwb.hideCoverage', () => ui.coverage.hide()),
    reg('fuzzwb.reproduceCrash', (arg) => reproduceCrash(ctx, reports, arg)),
    reg('fuzzwb.debugCrash', (arg) => debugCrash(ctx, arg)),
    reg('fuzzwb.minimizeCrash', (arg) => minimizeCrash(ctx, arg)),
    reg('fuzzwb.openDashboard', () => {
      ui.openDashboard();
    }),
    reg(CREATE_HARNESS_COMMAND, (uri, line, fn, template) =>
      createHarness(
        ctx,
        uri instanceof vscode.Uri ? uri : undefined,
        typeof line === 'number' ? line : undefined,
        typeof fn === 'string' ? fn : undefined,
        typeof template === 'string' ? (template as CreateHarnessParams['template']) : undefined,
      ),
    ),
    vscode.languages.registerCodeActionsProvider(
      [
        { scheme: 'file', language: 'c' },
        { scheme: 'file', language: 'cpp' },
      ],
      new CreateHarnessActions(),
      { providedCodeActionKinds: CreateHarnessActions.kinds },
    ),
  );
}
