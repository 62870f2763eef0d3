// Fuzz: Start Fuzzing (pick a target, build it with progress, start the session) and Stop Fuzzing.
import * as vscode from 'vscode';
import { ListFindingsRequest, StartRequest, StopRequest } from '../../protocol/messages';
import { readSettings } from '../settings';
import { reportFailure, workspaceRoot, type CoreContext } from './coreContext';
import { pickAndBuildTarget, sourceRoots, stopRunningSession } from './targetBuild';

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
    if (!(await stopRunningSession(ctx, 'Stop It and Start'))) return undefined;
    const picked = await pickAndBuildTarget(ctx, root, targetName, {
      title: 'Start Fuzzing',
      placeHolder: 'Fuzz target to build and run',
    });
    if (picked === undefined) return undefined;
    const { target, binary } = picked;
    const settings = readSettings();
    // Findings of earlier runs first: the session's own arrive as notifications after this.
    const known = await ctx.engine.request(ListFindingsRequest, {
      artifactPrefix: target.artifactPrefix,
    });
    ctx.state.setFindings(known.findings, target.name);
    const started = await ctx.engine.request(StartRequest, {
      target: {
        name: target.name,
        binary,
        corpusDir: target.corpusDir,
        artifactPrefix: target.artifactPrefix,
        ...(target.dictionary !== undefined ? { dictionary: target.dictionary } : {}),
        sourceRoots: sourceRoots(),
      },
      // The target's own options (fuzzwb.json) win over the settings.
      options: { ...settings.run, ...target.options },
    });
    ctx.state.sessionStarted(started.sessionId, target.name);
    ctx.tracker.started(target, started.sessionId);
    ctx.output.info(`fuzzing ${target.name} (session ${started.sessionId}): ${binary}`);
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
