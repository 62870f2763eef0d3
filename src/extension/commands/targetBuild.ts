// Picking a workspace target and building it with progress, as Start Fuzzing and Import Findings do.
import { isAbsolute, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import {
  BuildRequest,
  ListTargetsRequest,
  StopRequest,
  type CompilerDiagnostic,
  type ConfigProblem,
  type WorkspaceTarget,
} from '../../protocol/messages';
import { readSettings } from '../settings';
import type { CoreContext } from './coreContext';

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
  title: string,
  placeHolder: string,
): Promise<WorkspaceTarget | undefined> {
  const items = targets.map((t) => ({
    label: t.name,
    description: t.origin === 'config' ? 'fuzzwb.json' : 'harness',
    detail: t.harness !== '' ? relative(root, t.harness) : undefined,
    target: t,
  }));
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return pick?.target;
}

export interface BuiltTarget {
  target: WorkspaceTarget;
  /** The binary the build made. */
  binary: string;
}

/**
 * Offers to stop a running session before a command that needs the engine to itself: a session
 * keeps its own copy of the findings store. False when the user declined.
 */
export async function stopRunningSession(ctx: CoreContext, action: string): Promise<boolean> {
  if (!ctx.tracker.running) return true;
  const go = await vscode.window.showWarningMessage('A fuzzing session is running.', action);
  if (go === undefined) return false;
  await ctx.engine.request(StopRequest, {});
  return true;
}

/**
 * Lists the workspace's targets, takes `targetName` or asks with a quick pick (titled `title`),
 * and builds it with a progress notification; compiler errors and config problems go to Problems.
 * Undefined when the user cancelled the pick; throws with a message for the user otherwise.
 */
export async function pickAndBuildTarget(
  ctx: CoreContext,
  root: string,
  targetName: string | undefined,
  pick: { title: string; placeHolder: string },
): Promise<BuiltTarget | undefined> {
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
      : await pickTarget(targets, root, pick.title, pick.placeHolder);
  if (target === undefined) {
    if (targetName !== undefined) throw new Error(`no fuzz target named ${targetName}`);
    return undefined;
  }
  const built = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Fuzz: building ${target.name}` },
    () =>
      ctx.engine.request(BuildRequest, {
        workspaceRoot: root,
        target: target.name,
        sanitizers: readSettings().sanitizers,
      }),
  );
  showBuildProblems(ctx, root, built.diagnostics, problems);
  if (!built.ok) throw new Error(built.error ?? 'the build failed (see Problems)');
  return { target, binary: built.binary };
}

/** The folders coverage and SARIF paths are resolved against. */
export function sourceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}
