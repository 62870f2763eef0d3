// The launch configuration and gdb command line that stop a crashing input at its crash (pure).

/** Sanitizers abort at the first error, so the debugger stops in the faulting frame. */
export const DEBUG_ENV: Readonly<Record<string, string>> = {
  ASAN_OPTIONS: 'abort_on_error=1:detect_leaks=0:symbolize=1',
  UBSAN_OPTIONS: 'halt_on_error=1:abort_on_error=1:print_stacktrace=1',
  MSAN_OPTIONS: 'abort_on_error=1',
};

export interface DebugTarget {
  binary: string;
  artifact: string;
  cwd: string;
  name: string;
}

/** A `cppdbg` launch configuration of the C/C++ extension (ms-vscode.cpptools) running gdb. */
export function cppdbgConfiguration(t: DebugTarget): Record<string, unknown> {
  return {
    type: 'cppdbg',
    request: 'launch',
    name: t.name,
    program: t.binary,
    args: [t.artifact],
    cwd: t.cwd,
    stopAtEntry: false,
    MIMode: 'gdb',
    environment: Object.entries(DEBUG_ENV).map(([name, value]) => ({ name, value })),
    setupCommands: [
      { description: 'Pretty printing', text: '-enable-pretty-printing', ignoreFailures: true },
    ],
  };
}

/** gdb in a terminal when the C/C++ extension is not installed: runs at once, stops at the abort. */
export function gdbArgs(t: DebugTarget): string[] {
  return ['-q', '-ex', 'run', '--args', t.binary, t.artifact];
}
