// Everything the user sees of fuzzing, registered in one call: gutter, Problems, tree, status bar.
import * as vscode from 'vscode';
import { registerCoverageViews, type CoverageViews } from './coverage/registerCoverage';
import { openDashboard, type DashboardPanel } from './dashboard/dashboardPanel';
import {
  DEFAULT_FINDING_COMMANDS,
  registerProblems,
  type FindingCommands,
  type FindingDiagnostics,
} from './problems/findingDiagnostics';
import type { WorkbenchState } from './state/workbenchState';
import { registerViews, type Views } from './views/registerViews';

/** What activate() hands back as the extension's exports; test/suite reads it. */
export interface WorkbenchUi {
  state: WorkbenchState;
  coverage: CoverageViews;
  problems: FindingDiagnostics;
  views: Views;
  openDashboard(): DashboardPanel;
}

/**
 * `commands` are the ids the quick fixes and the findings tree's menu run with the artifact path
 * (or, from the tree, the node: see artifactArgument in views/findingsModel.ts).
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
