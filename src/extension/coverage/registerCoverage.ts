// Registers the coverage views: gutter decorations and the Test Coverage API controller.
import * as vscode from 'vscode';
import type { WorkbenchState } from '../state/workbenchState';
import { GutterDecorator } from './gutterDecorations';
import { FuzzTestCoverage } from './testCoverage';

export interface CoverageViews {
  gutter: GutterDecorator;
  testCoverage: FuzzTestCoverage;
  /** For fuzzwb.showCoverage / fuzzwb.hideCoverage (ext-core's commands). */
  show(): void;
  hide(): void;
}

/** Colours and the gutter switch come from the `fuzzwb.coverage.*` settings, read here. */
export function registerCoverageViews(
  context: vscode.ExtensionContext,
  state: WorkbenchState,
): CoverageViews {
  const gutter = new GutterDecorator(state, vscode.Uri.joinPath(context.extensionUri, 'media'));
  const testCoverage = new FuzzTestCoverage(state);
  context.subscriptions.push(gutter, testCoverage);
  return {
    gutter,
    testCoverage,
    show: () => gutter.show(),
    hide: () => gutter.hide(),
  };
}
