// Entry point of the VS Code side: wires the engine connection, the state, the views and the commands.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { BuildOutputNotification } from '../protocol/messages';
import { registerCommands } from './commands/registerCommands';
import { workspaceRoot, type CoreContext } from './commands/coreContext';
import { EngineClient } from './engine/engineClient';
import {
  catchUp,
  connectState,
  engineLost,
  restoreFindings,
  SessionTracker,
} from './engine/stateSync';
import { hostTasks, type TaskStats } from './perf/taskTimer';
import { WorkbenchState } from './state/workbenchState';
import { registerUi, type WorkbenchUi } from './ui';

/** What activate() returns, for tests in test/suite: the UI and the engine's pid. */
export interface FuzzWorkbenchApi extends WorkbenchUi {
  enginePid(): number | undefined;
  /** The longest run of each of our tasks in the host (notification handlers, view updates). */
  perfStats(): TaskStats[];
  resetPerfStats(): void;
}

/**
 * Called by VS Code on the first activation event. It must stay cheap and must not load the
 * native addon: only the engine process does, so a native crash cannot take the host down.
 */
export function activate(context: vscode.ExtensionContext): FuzzWorkbenchApi {
  // A log channel timestamps each line, which matters when a restart's cause is read later.
  const output = vscode.window.createOutputChannel('Fuzz Workbench', { log: true });
  context.subscriptions.push(output);

  const version = readVersion(context.extension.packageJSON);
  const folders = vscode.workspace.workspaceFolders?.length ?? 0;
  output.info(
    `Fuzz Workbench ${version} is active (${folders} workspace folder${folders === 1 ? '' : 's'})`,
  );

  const state = new WorkbenchState((err) => output.error(`state listener failed: ${String(err)}`));
  const tracker = new SessionTracker();
  const engine: EngineClient = new EngineClient({
    enginePath: context.asAbsolutePath('out/engine.js'),
    workspaceRoot: workspaceRoot() ?? homedir(),
    output,
    onRunning: (restarts) => {
      const root = workspaceRoot();
      const work =
        restarts > 0
          ? catchUp(engine, state, tracker, output)
          : root !== undefined
            ? restoreFindings(engine, state, tracker, output, root)
            : Promise.resolve();
      work.catch((err: unknown) => output.error(`could not load findings: ${String(err)}`));
    },
    onLost: () => engineLost(state, tracker, output),
  });
  engine.onNotification(BuildOutputNotification, ({ text }) => {
    for (const line of text.split('\n')) if (line.trim() !== '') output.info(`[build] ${line}`);
  });
  const buildDiagnostics = vscode.languages.createDiagnosticCollection('fuzzwb-build');
  context.subscriptions.push(
    engine,
    buildDiagnostics,
    connectState(engine, state, tracker, output),
  );

  const ui = registerUi(context, state);
  const core: CoreContext = {
    extension: context,
    engine,
    state,
    tracker,
    output,
    buildDiagnostics,
  };
  registerCommands(core, ui);

  engine.start().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    output.error(`the fuzz engine did not start: ${message}`);
  });
  return {
    ...ui,
    enginePid: () => engine.pid,
    perfStats: () => hostTasks.stats(),
    resetPerfStats: () => hostTasks.reset(),
  };
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
