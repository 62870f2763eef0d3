// Fuzz: Reproduce Crash and Minimize Crash, on a finding given by artifact path, tree node or pick.
import * as vscode from 'vscode';
import { MinimizeRequest, ReproduceRequest, type FindingRecord } from '../../protocol/messages';
import { readSettings } from '../settings';
import { artifactArgument } from '../views/findingsModel';
import { reportFailure, type CoreContext } from './coreContext';

export interface ResolvedFinding {
  artifact: string;
  /** The fuzz binary that found it (the record's reproduce line starts with it). */
  binary: string;
  record: FindingRecord | undefined;
}

/** The finding a command was run on: its argument, or the user's pick among the known ones. */
export async function resolveFinding(
  ctx: CoreContext,
  arg: unknown,
  verb: string,
): Promise<ResolvedFinding | undefined> {
  const entries = ctx.state.findings();
  let artifact = artifactArgument(arg);
  if (artifact === undefined) {
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('No findings yet: start fuzzing first.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      entries.map((e) => ({
        label: e.record.type,
        description: e.target,
        detail: e.record.artifact,
        artifact: e.record.artifact,
      })),
      { title: `${verb} Crash`, placeHolder: 'Finding' },
    );
    if (pick === undefined) return undefined;
    artifact = pick.artifact;
  }
  const record = entries.find((e) => e.record.artifact === artifact)?.record;
  const binary = record?.reproduce[0] ?? ctx.tracker.target?.binary;
  if (binary === undefined) {
    reportFailure(ctx, `${verb} Crash`, new Error(`no fuzz binary known for ${artifact}`));
    return undefined;
  }
  return { artifact, binary, record };
}

/** Report documents: read-only, one per reproduced artifact, refreshed on each run. */
export class ReportDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'fuzzwb-report';
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  set(artifact: string, text: string): vscode.Uri {
    const name = artifact.split('/').pop() ?? 'report';
    const uri = vscode.Uri.from({
      scheme: ReportDocuments.scheme,
      path: `/${name}.log`,
      query: encodeURIComponent(artifact),
    });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export async function reproduceCrash(
  ctx: CoreContext,
  reports: ReportDocuments,
  arg: unknown,
): Promise<string | undefined> {
  const f = await resolveFinding(ctx, arg, 'Reproduce');
  if (f === undefined) return undefined;
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Fuzz: reproducing the crash' },
      () =>
        ctx.engine.request(ReproduceRequest, {
          binary: f.binary,
          input: f.artifact,
          timeoutMs: readSettings().run.timeoutMs * 5,
        }),
    );
    ctx.output.info(`reproduced ${f.artifact}: ${r.kind}\n${r.report}`);
    const doc = await vscode.workspace.openTextDocument(reports.set(f.artifact, r.report));
    await vscode.window.showTextDocument(doc, { preview: true });
    if (r.kind === 'ok') {
      void vscode.window.showWarningMessage('The input no longer crashes this build.');
    }
    return r.kind;
  } catch (err) {
    reportFailure(ctx, 'Reproduce Crash failed', err);
    return undefined;
  }
}

export async function minimizeCrash(ctx: CoreContext, arg: unknown): Promise<string | undefined> {
  const f = await resolveFinding(ctx, arg, 'Minimize');
  if (f === undefined) return undefined;
  const prefix = ctx.tracker.target?.artifactPrefix ?? `${f.artifact.replace(/[^/]*$/, '')}`;
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Fuzz: minimizing the crash' },
      () =>
        ctx.engine.request(MinimizeRequest, {
          binary: f.binary,
          input: f.artifact,
          artifactPrefix: prefix,
          maxTotalTimeSec: 60,
        }),
    );
    ctx.output.info(`minimized ${f.artifact}: ${r.originalSize} -> ${r.size} bytes in ${r.path}`);
    void vscode.window
      .showInformationMessage(
        `Minimized the crash from ${r.originalSize} to ${r.size} bytes.`,
        'Reveal Input',
      )
      .then((pick) => {
        if (pick === 'Reveal Input') {
          void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(r.path));
        }
      });
    return r.path;
  } catch (err) {
    reportFailure(ctx, 'Minimize Crash failed', err);
    return undefined;
  }
}
