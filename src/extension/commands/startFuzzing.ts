// Fuzz: Start Fuzzing (pick a target, build it with progress, start the session) and Stop Fuzzing.
import { isAbsolute, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import {
  BuildRequest,
  ListFindingsRequest,
  ListTargetsRequest,
  StartRequest,
  StopRequest,
  type CompilerDiagnostic,
  type ConfigProblem,
  type WorkspaceTarget,
} from '../../protocol/messages';
import { readSettings } from '../settings';
import { reportFailure, workspaceRoot, type CoreContext } from './coreContext';

const SEVERITY: Record<CompilerDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  note: vscode.DiagnosticSeverity.Information,
};

/** Compiler diagnostics and config problems in Problems, replacing the previous build's. */
function showBuildProblems(
  ctx: CoreContext,
  root: string,
  diagnostics: readonly CompilerDiagnostic[],
  problems: readonly ConfigProblem[],
): void {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  const add = (file: string, line: number, column: number, d: vscode.Diagnostic): void => {
    const path = isAbsolute(file) ? file : resolve(root, file);
    const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    d.range = new vscode.Range(pos, pos);
    byFile.set(path, [...(byFile.get(path) ?? []), d]);
  };
  for (const c of diagnostics) {
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), c.message, SEVERITY[c.severity]);
    d.source = 'fuzzwb build';
    add(c.file, c.line, c.column, d);
  }
  for (const p of problems) {
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), p.message);
    d.source = 'fuzzwb.json';
    add(p.file, p.line, p.column, d);
  }
  ctx.buildDiagnostics.clear();
  for (const [file, list] of byFile) ctx.buildDiagnostics.set(vscode.Uri.file(file), list);
}

async function pickTarget(
  targets: readonly WorkspaceTarget[],
  root: string,
): Promise<WorkspaceTarget | undefined> {
  const items = targets.map((t) => ({
    label: t.name,
    description: t.origin === 'config' ? 'fuzzwb.json' : 'harness',
    detail: t.harness !== '' ? relative(root, t.harness) : undefined,
    target: t,
  }));
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Start Fuzzing',
    placeHolder: 'Fuzz target to build and run',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return pick?.target;
}

/**
 * Returns the new session's id, or undefined when the user cancelled or it failed (already
 * reported). `targetName` skips the quick pick (tests, the findings view).
 */
export async function startFuzzing(
  ctx: CoreContext,
  targetName?: string,
): Promise<number | undefined> {
  const root = workspaceRoot();
  if (root === undefined) {
    void vscode.window.showErrorMessage('Fuzz Workbench: open a folder with a fuzz target first.');
    return undefined;
  }
  try {
    if (ctx.tracker.running) {
      const go = await vscode.window.showWarningMessage(
        'A fuzzing session is running.',
        'Stop It and Start',
      );
      if (go === undefined) return undefined;
      await ctx.engine.request(StopRequest, {});
    }
    const { targets, problems } = await ctx.engine.request(ListTargetsRequest, {
      workspaceRoot: root,
    });
    showBuildProblems(ctx, root, [], problems);
    if (targets.length === 0) {
      throw new Error(
        'no fuzz targets: add one to fuzzwb.json, or run "Fuzz: Create Fuzz Harness" on a function',
      );
    }
    const target =
      targetName !== undefined
        ? targets.find((t) => t.name === targetName)
        : await pickTarget(targets, root);
    if (target === undefined) {
      if (targetName !== undefined) throw new Error(`no fuzz target named ${targetName}`);
      return undefined;
    }
    const settings = readSettings();
    const built = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Fuzz: building ${target.name}` },
      () =>
        ctx.engine.request(BuildRequest, {
          workspaceRoot: root,
          target: target.name,
          sanitizers: settings.sanitizers,
        }),
    );
    showBuildProblems(ctx, root, built.diagnostics, problems);
    if (!built.ok) throw new Error(built.error ?? 'the build failed (see Problems)');
    // Findings of earlier runs first: the session's own arrive as notifications after this.
    const known = await ctx.engine.request(ListFindingsRequest, {
      artifactPrefix: target.artifactPrefix,
    });
    ctx.state.setFindings(known.findings, target.name);
    const started = await ctx.engine.request(StartRequest, {
      target: {
        name: target.name,
        binary: built.binary,
        corpusDir: target.corpusDir,
        artifactPrefix: target.artifactPrefix,
        ...(target.dictionary !== undefined ? { dictionary: target.dictionary } : {}),
        sourceRoots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      },
      // The target's own options (fuzzwb.json) win over the settings.
      options: { ...settings.run, ...target.options },
    });
    ctx.state.sessionStarted(started.sessionId, target.name);
    ctx.tracker.started(target, started.sessionId);
    ctx.output.info(`fuzzing ${target.name} (session ${started.sessionId}): ${built.binary}`);
    return started.sessionId;
  } catch (err) {
    reportFailure(ctx, 'Start Fuzzing failed', err);
    return undefined;
  }
}

export async function stopFuzzing(ctx: CoreContext): Promise<void> {
  try {
    const { stopped } = await ctx.engine.request(StopRequest, {});
    if (!stopped) void vscode.window.showInformationMessage('No fuzzing session is running.');
  } catch (err) {
    reportFailure(ctx, 'Stop Fuzzing failed', err);
  }
}
