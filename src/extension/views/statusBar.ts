// The status bar item: execs/s, coverage and crash count; a click opens the dashboard.
import * as vscode from 'vscode';
import type { WorkbenchState } from '../state/workbenchState';
import { statusView } from './statusText';
import { hostTasks } from '../perf/taskTimer';

/** Redraws at most this often: status notifications come several times a second. */
const MIN_REDRAW_MS = 250;

export class FuzzStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem(
    'fuzzwb.status',
    vscode.StatusBarAlignment.Left,
    50,
  );
  private timer: NodeJS.Timeout | undefined;
  private lastDraw = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly state: WorkbenchState,
    openDashboardCommand: string,
  ) {
    this.item.name = 'Fuzz Workbench';
    this.item.command = openDashboardCommand;
    this.draw();
    this.item.show();
    this.unsubscribe = state.onChange((change) => {
      if (change.kind !== 'coverage') this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastDraw + MIN_REDRAW_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      hostTasks.time('status bar', () => this.draw());
    }, wait);
  }

  draw(): void {
    this.lastDraw = Date.now();
    const view = statusView(this.state.session, this.state.status, this.state.findings().length);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.unsubscribe();
    this.item.dispose();
  }
}
