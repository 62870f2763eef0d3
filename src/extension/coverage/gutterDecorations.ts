// Coverage in the gutter: covered / partial / uncovered line marks and overview-ruler marks, live.
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LineState } from '../../protocol/messages';
import type { WorkbenchState } from '../state/workbenchState';
import { tintIcon, tintedIconName } from './gutterIcons';
import { groupLineRuns, type RunsByState } from './lineRanges';
import { hostTasks } from '../perf/taskTimer';

const STATES: readonly LineState[] = ['covered', 'partial', 'uncovered'];

/** Coverage arrives a few times a second; editors are redrawn at most this often. */
const DEBOUNCE_MS = 150;

/** What the `fuzzwb.coverage.*` settings hold; defaults match package.json. */
export interface GutterSettings {
  showGutter: boolean;
  colors: Record<LineState, string>;
}

export const DEFAULT_COLORS: Record<LineState, string> = {
  covered: 'rgba(46, 160, 67, 0.8)',
  partial: 'rgba(210, 153, 34, 0.8)',
  uncovered: 'rgba(248, 81, 73, 0.8)',
};

/** The gutter icon of a state in a colour. */
export type IconSource = (state: LineState, color: string) => vscode.Uri;

/**
 * media/coverage's icons in their default colours; another colour's icon is written once under
 * `storageDir` (the extension's global storage: served to the editor like media/ is). Should that
 * fail, the default icon is used and the colour still shows in the overview ruler.
 */
export function gutterIcons(mediaDir: vscode.Uri, storageDir: vscode.Uri): IconSource {
  return (state, color) => {
    const template = vscode.Uri.joinPath(mediaDir, 'coverage', `${state}.svg`);
    if (color.trim() === DEFAULT_COLORS[state]) return template;
    try {
      const dir = join(storageDir.fsPath, 'gutter');
      const path = join(dir, tintedIconName(state, color));
      mkdirSync(dir, { recursive: true });
      // Written whole and renamed, so an editor never loads half an icon.
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, tintIcon(readFileSync(template.fsPath, 'utf8'), color));
      renameSync(tmp, path);
      return vscode.Uri.file(path);
    } catch {
      return template;
    }
  };
}

export function readGutterSettings(): GutterSettings {
  const config = vscode.workspace.getConfiguration('fuzzwb.coverage');
  const color = (state: LineState) => {
    const value = config.get<string>(`${state}Color`);
    return typeof value === 'string' && value.trim() !== '' ? value : DEFAULT_COLORS[state];
  };
  return {
    showGutter: config.get<boolean>('showGutter') ?? true,
    colors: { covered: color('covered'), partial: color('partial'), uncovered: color('uncovered') },
  };
}

/**
 * Decorates every visible editor whose file has coverage in the state. A coverage change marks
 * its files dirty; after a short debounce only the visible editors of dirty files are redrawn.
 */
export class GutterDecorator implements vscode.Disposable {
  private types: Record<LineState, vscode.TextEditorDecorationType>;
  private visible: boolean;
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Editor document path → the runs last drawn there (tests and the E2E read them). */
  private readonly drawn = new Map<string, RunsByState>();
  /** Editor path → coverage key; an editor may open a file through a symlink. */
  private readonly keys = new Map<string, string>();
  private readonly iconUris = new Map<LineState, vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly state: WorkbenchState,
    private readonly icons: IconSource,
    private settings: GutterSettings = readGutterSettings(),
  ) {
    this.types = this.createTypes();
    this.visible = settings.showGutter;
    this.unsubscribe = state.onChange((change) => {
      if (change.kind !== 'coverage') return;
      for (const f of change.files) this.dirty.add(f);
      this.schedule();
    });
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const e of editors) this.apply(e);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('fuzzwb.coverage')) this.updateSettings(readGutterSettings());
      }),
    );
    this.applyAll();
  }

  get isVisible(): boolean {
    return this.visible;
  }

  show(): void {
    this.visible = true;
    this.applyAll();
  }

  hide(): void {
    this.visible = false;
    this.applyAll();
  }

  updateSettings(settings: GutterSettings): void {
    const colorsChanged = STATES.some((s) => settings.colors[s] !== this.settings.colors[s]);
    this.settings = settings;
    if (colorsChanged) {
      // Disposing a type removes it from every editor; the new types are drawn below.
      for (const s of STATES) this.types[s].dispose();
      this.types = this.createTypes();
      this.drawn.clear();
    }
    this.visible = settings.showGutter;
    this.applyAll();
  }

  /** The runs last drawn in the editor of `path` (undefined: nothing drawn). */
  drawnRuns(path: string): RunsByState | undefined {
    return this.drawn.get(path);
  }

  /** Redraws every visible editor now (commands and settings: the user is waiting). */
  applyAll(): void {
    this.dirty.clear();
    for (const editor of vscode.window.visibleTextEditors) this.apply(editor);
  }

  /** Draws one editor's coverage, or clears it when hidden or without coverage. */
  apply(editor: vscode.TextEditor): void {
    const doc = editor.document;
    if (doc.uri.scheme !== 'file') return;
    const path = doc.uri.fsPath;
    const lines = this.visible ? this.state.coverage.get(this.coverageKey(path))?.lines : undefined;
    if (lines === undefined) {
      if (!this.drawn.has(path)) return;
      for (const s of STATES) editor.setDecorations(this.types[s], []);
      this.drawn.delete(path);
      return;
    }
    const runs = groupLineRuns(lines, doc.lineCount);
    for (const s of STATES) {
      editor.setDecorations(
        this.types[s],
        runs[s].map((r) => new vscode.Range(r.start, 0, r.end, 0)),
      );
    }
    this.drawn.set(path, runs);
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      hostTasks.time('gutter decorations', () => this.flush());
    }, DEBOUNCE_MS);
  }

  /** Redraws the visible editors whose files changed since the last flush. */
  flush(): void {
    if (this.dirty.size === 0) return;
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.scheme !== 'file') continue;
      if (dirty.has(this.coverageKey(editor.document.uri.fsPath))) this.apply(editor);
    }
  }

  /** The engine reports real paths; an editor path that is not one is resolved once. */
  private coverageKey(path: string): string {
    if (this.state.coverage.get(path) !== undefined) return path;
    let key = this.keys.get(path);
    if (key === undefined) {
      try {
        key = realpathSync(path);
      } catch {
        key = path;
      }
      this.keys.set(path, key);
    }
    return key;
  }

  /** The icon each state is drawn with now (media/'s, or one in a configured colour). */
  iconUri(state: LineState): vscode.Uri | undefined {
    return this.iconUris.get(state);
  }

  private createTypes(): Record<LineState, vscode.TextEditorDecorationType> {
    const make = (state: LineState) => {
      const icon = this.icons(state, this.settings.colors[state]);
      this.iconUris.set(state, icon);
      return vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        gutterIconPath: icon,
        gutterIconSize: 'contain',
        overviewRulerColor: this.settings.colors[state],
        overviewRulerLane: vscode.OverviewRulerLane.Left,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      });
    };
    return { covered: make('covered'), partial: make('partial'), uncovered: make('uncovered') };
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.unsubscribe();
    for (const s of STATES) this.types[s].dispose();
    for (const d of this.disposables) d.dispose();
  }
}
