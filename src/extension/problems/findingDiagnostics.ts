// The "fuzzwb" DiagnosticCollection: one Error per unique finding, with quick fixes to act on it.
import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import type { WorkbenchState } from '../state/workbenchState';
import { findingToDiagnostic, type DiagnosticSpec } from './findingDiagnostic';

/** The commands a finding's quick fixes and context menus run, each given the artifact path. */
export interface FindingCommands {
  reproduce: string;
  debug: string;
  minimize: string;
}

/** ext-core's command ids (src/extension/commands/). */
export const DEFAULT_FINDING_COMMANDS: FindingCommands = {
  reproduce: 'fuzzwb.reproduceCrash',
  debug: 'fuzzwb.debugCrash',
  minimize: 'fuzzwb.minimizeCrash',
};

export const DIAGNOSTIC_SOURCE = 'fuzzwb';

function toPosition(line: number, column: number): vscode.Position {
  return new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
}

/** A zero-width range: VS Code widens it to the word at the column, which is the culprit. */
function toRange(spot: { line: number; column: number }): vscode.Range {
  const at = toPosition(spot.line, spot.column);
  return new vscode.Range(at, at);
}

export function toDiagnostic(spec: DiagnosticSpec): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    toRange(spec),
    spec.message,
    vscode.DiagnosticSeverity.Error,
  );
  diagnostic.source = DIAGNOSTIC_SOURCE;
  // The code links to the finding's JSON: everything known about it, one click away.
  diagnostic.code = { value: spec.code, target: vscode.Uri.file(`${spec.artifact}.json`) };
  diagnostic.relatedInformation = spec.related.map(
    (r) =>
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(vscode.Uri.file(r.file), toRange(r)),
        r.message,
      ),
  );
  return diagnostic;
}

/**
 * Keeps the collection equal to the state's findings. Every change rebuilds it whole with one
 * `set` of all entries, so a finding that was reloaded away, or moved, leaves nothing behind.
 */
export class FindingDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  /** Diagnostic code → artifact, for the quick fixes (VS Code hands back copies of diagnostics). */
  private readonly artifacts = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly state: WorkbenchState,
    private readonly roots: () => readonly string[],
  ) {
    this.unsubscribe = state.onChange((change) => {
      if (change.kind === 'findings') this.refresh();
    });
    this.refresh();
  }

  refresh(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    this.artifacts.clear();
    const roots = this.roots();
    for (const { record } of this.state.findings()) {
      const spec = findingToDiagnostic(record, roots);
      if (spec === undefined) continue;
      this.artifacts.set(spec.code, spec.artifact);
      const list = byFile.get(spec.file) ?? [];
      list.push(toDiagnostic(spec));
      byFile.set(spec.file, list);
    }
    this.collection.clear();
    this.collection.set([...byFile].map(([file, ds]) => [vscode.Uri.file(file), ds]));
  }

  /** The artifact of one of our diagnostics, found by its code. */
  artifactOf(diagnostic: vscode.Diagnostic): string | undefined {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
    const code = diagnostic.code;
    const value = typeof code === 'object' ? code.value : code;
    return value !== undefined ? this.artifacts.get(String(value)) : undefined;
  }

  dispose(): void {
    this.unsubscribe();
    this.collection.dispose();
  }
}

/** Reproduce, Debug and Minimize as quick fixes on each of our diagnostics under the cursor. */
export class FindingCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly diagnostics: FindingDiagnostics,
    private readonly commands: FindingCommands,
  ) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const done = new Set<string>();
    for (const diagnostic of this.candidates(document, range, context)) {
      const artifact = this.diagnostics.artifactOf(diagnostic);
      if (artifact === undefined || done.has(artifact)) continue;
      done.add(artifact);
      const entries: [string, string][] = [
        ['Reproduce crash', this.commands.reproduce],
        ['Debug crash', this.commands.debug],
        ['Minimize crash', this.commands.minimize],
      ];
      for (const [title, command] of entries) {
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.command = { title, command, arguments: [artifact] };
        actions.push(action);
      }
    }
    return actions;
  }

  /**
   * VS Code passes the diagnostics whose range meets the requested one; a column past the end of
   * its line (the file changed since the build) meets no range, so our diagnostics on the
   * requested lines count too.
   */
  private candidates(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.Diagnostic[] {
    const onLines = (this.diagnostics.collection.get(document.uri) ?? []).filter(
      (d) => d.range.start.line >= range.start.line && d.range.start.line <= range.end.line,
    );
    return [...context.diagnostics, ...onLines];
  }
}

/**
 * The workspace folders, also by their real paths: debug info names real paths, and a folder
 * opened through a symlink would otherwise hold no user frames.
 */
export function workspaceRoots(): string[] {
  const roots = new Set<string>();
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    roots.add(folder.uri.fsPath);
    try {
      roots.add(realpathSync(folder.uri.fsPath));
    } catch {
      // A folder that is gone has no frames either.
    }
  }
  return [...roots];
}

/** Problems for the state's findings; everything is disposed with the extension. */
export function registerProblems(
  context: vscode.ExtensionContext,
  state: WorkbenchState,
  commands: FindingCommands = DEFAULT_FINDING_COMMANDS,
): FindingDiagnostics {
  const diagnostics = new FindingDiagnostics(state, workspaceRoots);
  context.subscriptions.push(
    diagnostics,
    vscode.workspace.onDidChangeWorkspaceFolders(() => diagnostics.refresh()),
    vscode.languages.registerCodeActionsProvider(
      { scheme: 'file' },
      new FindingCodeActions(diagnostics, commands),
      { providedCodeActionKinds: FindingCodeActions.kinds },
    ),
  );
  return diagnostics;
}
