// The findings tree view's data provider: target → finding → frames; a frame opens its location.
import * as vscode from 'vscode';
import type { WorkbenchState } from '../state/workbenchState';
import { buildFindingsTree, childrenOf, type Location1, type TreeNode } from './findingsModel';

export const FINDINGS_VIEW = 'fuzzwb.findings';

/** `contextValue` of finding items; package.json's view/item/context menus match on it. */
export const FINDING_CONTEXT = 'fuzzwb.finding';

/** A command that opens the editor at a frame, selecting its column. */
export function openLocationCommand(loc: Location1): vscode.Command {
  const at = new vscode.Position(loc.line - 1, loc.column - 1);
  const options: vscode.TextDocumentShowOptions = { selection: new vscode.Range(at, at) };
  return {
    title: 'Open location',
    command: 'vscode.open',
    arguments: [vscode.Uri.file(loc.file), options],
  };
}

export class FindingsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TreeNode[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly state: WorkbenchState,
    private readonly folders: () => readonly string[],
  ) {
    this.rebuild();
    this.unsubscribe = state.onChange((change) => {
      if (change.kind === 'findings' || change.kind === 'session') this.refresh();
    });
  }

  refresh(): void {
    this.rebuild();
    this.changed.fire(undefined);
  }

  private rebuild(): void {
    this.roots = buildFindingsTree(this.state.findings(), this.folders());
  }

  /** The current top-level nodes (for tests and reveal). */
  topLevel(): readonly TreeNode[] {
    return this.roots;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node === undefined ? this.roots : childrenOf(node);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const collapsible =
      node.kind === 'frame'
        ? vscode.TreeItemCollapsibleState.None
        : node.kind === 'target'
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    switch (node.kind) {
      case 'target':
        item.description = node.description;
        item.iconPath = new vscode.ThemeIcon('target');
        break;
      case 'finding':
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.contextValue = FINDING_CONTEXT;
        item.iconPath = new vscode.ThemeIcon('bug', new vscode.ThemeColor('errorForeground'));
        if (node.location !== undefined) item.command = openLocationCommand(node.location);
        break;
      case 'stack':
        item.iconPath = new vscode.ThemeIcon('list-tree');
        break;
      case 'frame':
        item.description = node.description;
        if (node.location !== undefined) {
          item.command = openLocationCommand(node.location);
          item.tooltip = `${node.location.file}:${node.location.line}:${node.location.column}`;
        }
        break;
    }
    return item;
  }

  dispose(): void {
    this.unsubscribe();
    this.changed.dispose();
  }
}
