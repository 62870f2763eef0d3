// Everything the user sees of fuzzing, registered in one call: gutter, Problems, tree, status bar.
import * as vscode from 'vscode';
import { GutterDecorator, gutterIcons } from './coverage/gutterDecorations';
import { FuzzTestCoverage } from './coverage/testCoverage';
import { openDashboard, type DashboardPanel } from './dashboard/dashboardPanel';
import {
  DEFAULT_FINDING_COMMANDS,
  registerProblems,
  type FindingCommands,
  workspaceRoots,
  type FindingDiagnostics,
} from './problems/findingDiagnostics';
import type { WorkbenchState } from './state/workbenchState';
import type { TreeNode } from './views/findingsModel';
import { FINDINGS_VIEW, FindingsTreeProvider } from './views/findingsTree';
import { FuzzStatusBar } from './views/statusBar';

export interface CoverageViews {
  gutter: GutterDecorator;
  testCoverage: FuzzTestCoverage;
  /** For fuzzwb.showCoverage / fuzzwb.hideCoverage (ext-core's commands). */
  show(): void;
  hide(): void;
}

export interface Views {
  tree: FindingsTreeProvider;
  treeView: vscode.TreeView<TreeNode>;
  statusBar: FuzzStatusBar;
}

/** What activate() hands back as the extension's exports; test/suite reads it. */
export interface WorkbenchUi {
  state: WorkbenchState;
  coverage: CoverageViews;
  problems: FindingDiagnostics;
  views: Views;
  openDashboard(): DashboardPanel;
}

/** Gutter decorations and the Test Coverage API; colours and the switch are `fuzzwb.coverage.*`. */
export function registerCoverageViews(
  context: vscode.ExtensionContext,
  state: WorkbenchState,
): CoverageViews {
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  const gutter = new GutterDecorator(state, gutterIcons(media, context.globalStorageUri));
  const testCoverage = new FuzzTestCoverage(state);
  context.subscriptions.push(gutter, testCoverage);
  return { gutter, testCoverage, show: () => gutter.show(), hide: () => gutter.hide() };
}

/**
 * The findings tree and the status bar item. The tree's context menu (package.json
 * `view/item/context`, when `viewItem == fuzzwb.finding`) runs the finding commands with the
 * node: `artifactArgument` (views/findingsModel.ts) reads its artifact path.
 */
export function registerViews(
  context: vscode.ExtensionContext,
  state: WorkbenchState,
  openDashboardCommand = 'fuzzwb.openDashboard',
): Views {
  const tree = new FindingsTreeProvider(state, workspaceRoots);
  const treeView = vscode.window.createTreeView(FINDINGS_VIEW, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const statusBar = new FuzzStatusBar(state, openDashboardCommand);
  const badge = () => {
    const n = state.findings().length;
    treeView.badge =
      n > 0 ? { value: n, tooltip: `${n} unique crash${n === 1 ? '' : 'es'}` } : undefined;
  };
  badge();
  const unsubscribe = state.onChange((change) => {
    if (change.kind === 'findings') badge();
  });
  context.subscriptions.push(tree, treeView, statusBar, { dispose: unsubscribe });
  return { tree, treeView, statusBar };
}

/**
 * `commands` are the ids the quick fixes and the findings tree's menu run with the artifact path
 * (or, from the tree, the node).
 */
export function registerUi(
  context: vscode.ExtensionContext,
  state: WorkbenchState,
  commands: FindingCommands = DEFAULT_FINDING_COMMANDS,
): WorkbenchUi {
  return {
    state,
    coverage: registerCoverageViews(context, state),
    problems: registerProblems(context, state, commands),
    views: registerViews(context, state),
    openDashboard: () => openDashboard(context, state),
  };
}
