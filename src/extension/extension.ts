// Entry point of the VS Code side: opens the output channel; fuzzing itself runs in the engine.
import * as vscode from 'vscode';
import { WorkbenchState } from './state/workbenchState';
import { registerUi, type WorkbenchUi } from './ui';

/**
 * Called by VS Code on the first activation event. It must stay cheap and must not load the
 * native addon: only the engine process does, so a native crash cannot take the host down.
 */
export function activate(context: vscode.ExtensionContext): WorkbenchUi {
  // A log channel timestamps each line, which matters when a restart's cause is read later.
  const output = vscode.window.createOutputChannel('Fuzz Workbench', { log: true });
  context.subscriptions.push(output);

  const version = readVersion(context.extension.packageJSON);
  const folders = vscode.workspace.workspaceFolders?.length ?? 0;
  output.info(
    `Fuzz Workbench ${version} is active (${folders} workspace folder${folders === 1 ? '' : 's'})`,
  );

  // A view that throws on an update is logged, and the other views still get the update.
  const state = new WorkbenchState((err) => output.error(err instanceof Error ? err : String(err)));
  return registerUi(context, state);
}

/** Nothing to release by hand: everything is registered in context.subscriptions. */
export function deactivate(): void {}

/** The manifest is typed `any` by VS Code; read its version without trusting its shape. */
function readVersion(manifest: unknown): string {
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest) {
    if (typeof manifest.version === 'string') return manifest.version;
  }
  return 'unknown version';
}
