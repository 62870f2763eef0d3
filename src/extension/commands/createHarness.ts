// Fuzz: Create Fuzz Harness for the function at the cursor, and the code action that offers it.
import * as vscode from 'vscode';
import { CreateHarnessRequest, type CreateHarnessParams } from '../../protocol/messages';
import { reportFailure, workspaceRoot, type CoreContext } from './coreContext';
import { functionNameAt } from './functionAtLine';

type Template = CreateHarnessParams['template'];

const TEMPLATES: { label: string; detail: string; template: Template }[] = [
  {
    label: 'Byte buffer',
    detail: 'Pass the input as (data, size), for parsers and decoders',
    template: 'bytes',
  },
  {
    label: 'Structured arguments',
    detail: 'Split the input into the function arguments with the data provider',
    template: 'struct',
  },
  {
    label: 'Device model',
    detail: 'Interpret the input as register reads, writes and clock steps, reset after each input',
    template: 'device',
  },
];

export const CREATE_HARNESS_COMMAND = 'fuzzwb.createHarness';

/**
 * Arguments (all optional, from the code action or tests): the source file, the 1-based line,
 * the function name and the template; otherwise the active editor's cursor and a quick pick.
 */
export async function createHarness(
  ctx: CoreContext,
  uri?: vscode.Uri,
  line?: number,
  functionName?: string,
  template?: Template,
): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const source = uri ?? editor?.document.uri;
  const root = workspaceRoot();
  if (source === undefined || source.scheme !== 'file' || root === undefined) {
    void vscode.window.showErrorMessage(
      'Fuzz: open a C/C++ source file of the workspace and put the cursor on a function.',
    );
    return undefined;
  }
  const at = line ?? (editor !== undefined ? editor.selection.active.line + 1 : undefined);
  const chosen =
    template ??
    (
      await vscode.window.showQuickPick(TEMPLATES, {
        title: `Create Fuzz Harness${functionName !== undefined ? ` for ${functionName}` : ''}`,
        placeHolder: 'Harness template',
      })
    )?.template;
  if (chosen === undefined) return undefined;
  try {
    const r = await ctx.engine.request(CreateHarnessRequest, {
      workspaceRoot: root,
      sourceFile: source.fsPath,
      ...(functionName !== undefined ? { functionName } : {}),
      ...(at !== undefined ? { line: at } : {}),
      template: chosen,
    });
    ctx.output.info(`created ${r.harnessFile} (target ${r.targetName} in fuzzwb.json)`);
    await vscode.window.showTextDocument(vscode.Uri.file(r.harnessFile));
    return r.harnessFile;
  } catch (err) {
    reportFailure(ctx, 'Create Fuzz Harness failed', err);
    return undefined;
  }
}

/** Offers the command on the first line of a function definition in C/C++ files. */
export class CreateHarnessActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.RefactorRewrite.append('fuzzwb')];

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] {
    const line = range.start.line;
    // A window around the line is enough and keeps this cheap on big files.
    const lines: string[] = [];
    for (let i = line; i < Math.min(doc.lineCount, line + 8); i++) lines.push(doc.lineAt(i).text);
    const name = functionNameAt(lines, 0);
    if (name === undefined) return [];
    const action = new vscode.CodeAction(
      `Create fuzz harness for ${name}`,
      CreateHarnessActions.kinds[0],
    );
    action.command = {
      title: action.title,
      command: CREATE_HARNESS_COMMAND,
      arguments: [doc.uri, line + 1, name],
    };
    return [action];
  }
}
