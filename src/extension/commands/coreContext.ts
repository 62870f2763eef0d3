// What the commands share: the engine, the state, the output channel and the workspace root.
import * as vscode from 'vscode';
import type { EngineClient } from '../engine/engineClient';
import type { SessionTracker } from '../engine/stateSync';
import type { WorkbenchState } from '../state/workbenchState';

export interface CoreContext {
  extension: vscode.ExtensionContext;
  engine: EngineClient;
  state: WorkbenchState;
  tracker: SessionTracker;
  output: vscode.LogOutputChannel;
  /** Build errors and config problems, apart from the findings' collection. */
  buildDiagnostics: vscode.DiagnosticCollection;
}

/** The folder targets are looked up in: the first workspace folder. */
export function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** Failures of a command the user started: a popup with the message, details in the output. */
export function reportFailure(ctx: CoreContext, what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  ctx.output.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`${what}: ${message}`, 'Show Output').then((pick) => {
    if (pick === 'Show Output') ctx.output.show(true);
  });
}
