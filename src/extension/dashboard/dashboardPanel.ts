// The dashboard webview panel: one per window, fed by throttled postMessage updates from the state.
import * as vscode from 'vscode';
import type { WorkbenchState } from '../state/workbenchState';
import { dashboardHtml } from './dashboardHtml';
import { dashboardUpdate } from './series';
import { hostTasks } from '../perf/taskTimer';

export const DASHBOARD_VIEW_TYPE = 'fuzzwb.dashboard';

/** Status arrives several times a second; the plots need no more than two redraws. */
const MIN_POST_MS = 500;

export class DashboardPanel implements vscode.Disposable {
  private static current: DashboardPanel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastPost = 0;
  private readonly disposables: vscode.Disposable[] = [];
  /** Messages posted so far (a test reads it to see that updates flow). */
  posted = 0;

  /** Opens the dashboard, or reveals the one already open. */
  static open(context: vscode.ExtensionContext, state: WorkbenchState): DashboardPanel {
    if (DashboardPanel.current !== undefined) {
      DashboardPanel.current.panel.reveal();
      return DashboardPanel.current;
    }
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      'Fuzz Dashboard',
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false },
    );
    const dashboard = new DashboardPanel(panel, media, state);
    DashboardPanel.current = dashboard;
    context.subscriptions.push(dashboard);
    return dashboard;
  }

  /** The open dashboard, if any. */
  static get instance(): DashboardPanel | undefined {
    return DashboardPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    media: vscode.Uri,
    private readonly state: WorkbenchState,
  ) {
    const webview = panel.webview;
    const asset = (...parts: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard', ...parts)).toString();
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      scriptUri: asset('main.js'),
      styleUri: asset('style.css'),
    });
    const unsubscribe = state.onChange((change) => {
      if (change.kind !== 'coverage') this.schedule();
    });
    this.disposables.push(
      { dispose: unsubscribe },
      // The page asks once its script runs (and again after being hidden and shown).
      webview.onDidReceiveMessage((msg: unknown) => {
        if (typeof msg === 'object' && msg !== null && 'type' in msg && msg.type === 'ready') {
          this.post();
        }
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.schedule();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private schedule(): void {
    if (this.timer !== undefined || !this.panel.visible) return;
    const wait = Math.max(0, this.lastPost + MIN_POST_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      hostTasks.time('dashboard update', () => this.post());
    }, wait);
  }

  private post(): void {
    this.lastPost = Date.now();
    const update = dashboardUpdate({
      session: this.state.session,
      status: this.state.status,
      totals: this.state.totals,
      samples: this.state.history.all(),
      findings: this.state.findings(),
    });
    this.posted++;
    void this.panel.webview.postMessage(update);
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** For ext-core's fuzzwb.openDashboard command and the status bar item. */
export function openDashboard(
  context: vscode.ExtensionContext,
  state: WorkbenchState,
): DashboardPanel {
  return DashboardPanel.open(context, state);
}
