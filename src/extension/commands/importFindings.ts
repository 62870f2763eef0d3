// Fuzz: Import Findings… — another fuzzer's crashes or SARIF logs into a target's findings.
import * as vscode from 'vscode';
import { ImportRequest, ListFindingsRequest, type ImportResult } from '../../protocol/messages';
import { readSettings } from '../settings';
import { reportFailure, workspaceRoot, type CoreContext } from './coreContext';
import { importDetails, importSummary } from './importSummary';
import { pickAndBuildTarget, sourceRoots, stopRunningSession } from './targetBuild';

export const IMPORT_FINDINGS_COMMAND = 'fuzzwb.importFindings';

function askForPaths(target: string): Thenable<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    title: `Import Findings into ${target}: AFL++ output, crash folders or zips, SARIF logs`,
    openLabel: 'Import',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    filters: { 'SARIF logs and zips': ['sarif', 'json', 'zip'], 'All files': ['*'] },
  });
}

/**
 * Re-runs the chosen crashes on the target's local build and adds them to its findings, which
 * Problems and the findings view show as they show a session's. `targetName` and `uris` skip the
 * quick pick and the dialog (tests). Returns the engine's counts, or undefined when the user
 * cancelled or it failed (already reported).
 */
export async function importFindings(
  ctx: CoreContext,
  targetName?: string,
  uris?: readonly vscode.Uri[],
): Promise<ImportResult | undefined> {
  const root = workspaceRoot();
  if (root === undefined) {
    void vscode.window.showErrorMessage('Fuzz Workbench: open a folder with a fuzz target first.');
    return undefined;
  }
  try {
    // A session keeps its own copy of the findings store; a second writer would split its dedup.
    if (!(await stopRunningSession(ctx, 'Stop It and Import'))) return undefined;
    const picked = await pickAndBuildTarget(ctx, root, targetName, {
      title: 'Import Findings',
      placeHolder: 'Fuzz target to re-run the imported crashes with',
    });
    if (picked === undefined) return undefined;
    const { target, binary } = picked;
    const chosen = uris ?? (await askForPaths(target.name));
    if (chosen === undefined || chosen.length === 0) return undefined;
    // The target's findings so far, so the imported ones join them (as at a session's start).
    const known = await ctx.engine.request(ListFindingsRequest, {
      artifactPrefix: target.artifactPrefix,
    });
    ctx.state.setFindings(known.findings, target.name);
    // An engine restart reloads this target's findings.
    ctx.tracker.target = target;
    const options = { ...readSettings().run, ...target.options };
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Fuzz: importing into ${target.name}`,
      },
      () =>
        ctx.engine.request(ImportRequest, {
          target: {
            name: target.name,
            binary,
            corpusDir: target.corpusDir,
            artifactPrefix: target.artifactPrefix,
            sourceRoots: sourceRoots(),
          },
          paths: chosen.map((u) => u.fsPath),
          timeoutMs: options.timeoutMs,
          rssLimitMb: options.rssLimitMb,
        }),
    );
    const summary = importSummary(target.name, result);
    ctx.output.info(summary);
    const details = importDetails(result);
    for (const line of details) ctx.output.info(line);
    const actions = details.length > 0 ? ['Show Output'] : [];
    void vscode.window.showInformationMessage(summary, ...actions).then((pick) => {
      if (pick === 'Show Output') ctx.output.show(true);
    });
    return result;
  } catch (err) {
    reportFailure(ctx, 'Import Findings failed', err);
    return undefined;
  }
}
