// Fuzz: Debug Crash: the crashing input under gdb, through the C/C++ extension or a terminal.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { reportFailure, workspaceRoot, type CoreContext } from './coreContext';
import { cppdbgConfiguration, DEBUG_ENV, gdbArgs, type DebugTarget } from './debugConfig';
import { resolveFinding } from './findingCommands';

const CPPTOOLS = 'ms-vscode.cpptools';

/** Returns how it was started: 'cppdbg', 'terminal', or undefined when it was not. */
export async function debugCrash(ctx: CoreContext, arg: unknown): Promise<string | undefined> {
  const f = await resolveFinding(ctx, arg, 'Debug');
  if (f === undefined) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0];
  const t: DebugTarget = {
    binary: f.binary,
    artifact: f.artifact,
    cwd: workspaceRoot() ?? process.cwd(),
    name: `Fuzz: ${f.record?.type ?? 'crash'} (${basename(f.artifact)})`,
  };
  try {
    if (vscode.extensions.getExtension(CPPTOOLS) !== undefined) {
      const started = await vscode.debug.startDebugging(
        folder,
        cppdbgConfiguration(t) as vscode.DebugConfiguration,
      );
      if (!started) throw new Error('the debugger did not start (see the Debug Console)');
      return 'cppdbg';
    }
    // No C/C++ extension: plain gdb, its arguments as an array (no shell parses them).
    const terminal = vscode.window.createTerminal({
      name: t.name,
      shellPath: 'gdb',
      shellArgs: gdbArgs(t),
      cwd: t.cwd,
      env: { ...DEBUG_ENV },
    });
    terminal.show();
    ctx.output.info(`debugging ${f.artifact} with gdb ${gdbArgs(t).join(' ')}`);
    return 'terminal';
  } catch (err) {
    reportFailure(ctx, 'Debug Crash failed', err);
    return undefined;
  }
}
