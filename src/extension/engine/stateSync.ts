// Engine notifications into the workbench state, and catching up after the engine restarts.
import * as vscode from 'vscode';
import {
  CoverageNotification,
  CoverageSnapshotRequest,
  FindingNotification,
  ListFindingsRequest,
  ListTargetsRequest,
  SessionEndedNotification,
  StatusNotification,
  type FindingRecord,
  type WorkspaceTarget,
} from '../../protocol/messages';
import type { WorkbenchState } from '../state/workbenchState';
import type { EngineClient } from './engineClient';

/** The target of the newest session: whose findings a restarted engine reloads. */
export class SessionTracker {
  target: WorkspaceTarget | undefined;
  sessionId: number | undefined;
  running = false;

  started(target: WorkspaceTarget, sessionId: number): void {
    this.target = target;
    this.sessionId = sessionId;
    this.setRunning(true);
  }

  setRunning(running: boolean): void {
    this.running = running;
    void vscode.commands.executeCommand('setContext', 'fuzzwb.running', running);
  }
}

function showWithOutput(output: vscode.LogOutputChannel, message: string): void {
  void vscode.window.showErrorMessage(message, 'Show Output').then((pick) => {
    if (pick === 'Show Output') output.show(true);
  });
}

export function connectState(
  engine: EngineClient,
  state: WorkbenchState,
  tracker: SessionTracker,
  output: vscode.LogOutputChannel,
): vscode.Disposable {
  engine.onNotification(StatusNotification, (s) => state.applyStatus(s));
  engine.onNotification(CoverageNotification, (p) => state.applyCoverage(p.delta, p.sessionId));
  engine.onNotification(FindingNotification, (p) => {
    if (p.isNew) output.info(`new finding: ${p.record.type} (${p.record.artifact})`);
    state.upsertFinding(p);
  });
  engine.onNotification(SessionEndedNotification, (p) => {
    if (p.sessionId === tracker.sessionId) tracker.setRunning(false);
    const why = p.error !== undefined ? `: ${p.error}` : '';
    output.info(`fuzzing session ${p.sessionId} ended (${p.end})${why}`);
    state.sessionEnded(p);
    // The user started the session, so its failure is worth a popup; a stop or a limit is not.
    if (p.end === 'error') showWithOutput(output, `Fuzzing stopped with an error${why}`);
  });
  const unsubscribe = state.onChange((change) => {
    if (change.kind !== 'findings') return;
    void vscode.commands.executeCommand(
      'setContext',
      'fuzzwb.hasFindings',
      state.findings().length > 0,
    );
  });
  return { dispose: unsubscribe };
}

/** The engine died: its session is over, but what it found and covered stays shown. */
export function engineLost(
  state: WorkbenchState,
  tracker: SessionTracker,
  output: vscode.LogOutputChannel,
): void {
  if (tracker.running && tracker.sessionId !== undefined) {
    showWithOutput(output, 'The fuzz engine stopped during the session; it is being restarted.');
    state.sessionEnded({
      sessionId: tracker.sessionId,
      end: 'error',
      error: 'the engine stopped; start fuzzing again to go on',
    });
  }
  tracker.setRunning(false);
}

/**
 * After a restart the engine knows nothing: findings are reloaded from disk (they were written
 * before they were announced) and the coverage it may still hold is merged; the state keeps the
 * coverage it had, so gutters stay when the new engine has none.
 */
export async function catchUp(
  engine: EngineClient,
  state: WorkbenchState,
  tracker: SessionTracker,
  output: vscode.LogOutputChannel,
): Promise<void> {
  const target = tracker.target;
  if (target === undefined) return;
  const { findings, warnings } = await engine.request(ListFindingsRequest, {
    artifactPrefix: target.artifactPrefix,
  });
  for (const w of warnings) output.warn(w);
  state.setFindings(findings, target.name);
  const snapshot = await engine.request(CoverageSnapshotRequest, {});
  if (snapshot.files.length > 0) state.applySnapshot(snapshot);
  output.info(`reloaded ${findings.length} finding(s) of ${target.name} from disk`);
}

/**
 * At the first start, the findings of an earlier run stay visible: those of the target that
 * found something most recently (the tree and Problems show one target's findings at a time).
 */
export async function restoreFindings(
  engine: EngineClient,
  state: WorkbenchState,
  tracker: SessionTracker,
  output: vscode.LogOutputChannel,
  workspaceRoot: string,
): Promise<void> {
  const { targets } = await engine.request(ListTargetsRequest, { workspaceRoot });
  let best: { target: WorkspaceTarget; findings: FindingRecord[]; newest: string } | undefined;
  for (const target of targets) {
    const { findings } = await engine.request(ListFindingsRequest, {
      artifactPrefix: target.artifactPrefix,
    });
    if (findings.length === 0) continue;
    const newest =
      findings
        .map((f) => f.lastSeen)
        .sort()
        .at(-1) ?? '';
    if (best === undefined || newest > best.newest) best = { target, findings, newest };
  }
  // A session started meanwhile has loaded its own target's findings.
  if (best === undefined || tracker.target !== undefined) return;
  tracker.target = best.target;
  state.setFindings(best.findings, best.target.name);
  output.info(`${best.findings.length} finding(s) of ${best.target.name} from an earlier run`);
}
