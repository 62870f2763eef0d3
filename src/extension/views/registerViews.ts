// Registers the findings tree and the status bar item for the extension's state.
import * as vscode from 'vscode';
import type { WorkbenchState } from '../state/workbenchState';
import type { TreeNode } from './findingsModel';
import { FINDINGS_VIEW, FindingsTreeProvider } from './findingsTree';
import { FuzzStatusBar } from './statusBar';

export interface Views {
  tree: FindingsTreeProvider;
  treeView: vscode.TreeView<TreeNode>;
  statusBar: FuzzStatusBar;
}

/**
 * The tree's context menu (package.json `view/item/context`, when `viewItem == fuzzwb.finding`)
 * runs ext-core's finding commands with the node: `artifactArgument` (findingsModel.ts) reads its
 * artifact path.
 */
export function registerViews(
  context: vscode.ExtensionContext,
  state: WorkbenchState,
  openDashboardCommand = 'fuzzwb.openDashboard',
): Views {
  const folders = () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const tree = new FindingsTreeProvider(state, folders);
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
