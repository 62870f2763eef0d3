// Table tests of the fuzzwb-cc command-line rewrite, for clang and gcc.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rewriteArgs, type Step, type ToolchainKind } from '../../../src/engine/cc/args';
import { WrapperError, type Sanitizer } from '../../../src/engine/cc/options';

const RT = '/opt/fwb/out/native/libfuzzwb_rt.a';
const UNDEFINED_HARNESS = '-Wl,--undefined=LLVMFuzzerTestOneInput';
const COMMON = ['-g', '-fno-omit-frame-pointer', '-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION'];
const INSTRUMENT: Record<ToolchainKind, string[]> = {
  clang: [
    ...COMMON,
    '-fsanitize-coverage=trace-pc-guard,pc-table,trace-cmp',
    '-fsanitize=fuzzer-no-link',
    '-fno-sanitize-coverage=inline-8bit-counters,stack-depth,indirect-calls',
  ],
  gcc: [...COMMON, '-fsanitize-coverage=trace-pc,trace-cmp'],
};
const ASAN = ['-fsanitize=address'];
const RUNTIME = [
  RT,
  '-Wl,--export-dynamic-symbol=__sanitizer_cov_*',
  '-Wl,--export-dynamic-symbol=__sanitizer_weak_hook_*',
  '-ldl',
  '-lpthread',
];

interface Case {
  name: string;
  argv: string[];
  toolchain?: ToolchainKind;
  sanitizers?: Sanitizer[];
  step: Step;
  args: string[];
}

const clang = INSTRUMENT.clang;
const gcc = INSTRUMENT.gcc;

const cases: Case[] = [
  // Compile steps: instrumentation and sanitizers, the user's -O level untouched.
  {
    name: 'clang compile keeps -O2 and adds instrumentation',
    argv: ['-O2', '-c', 'a.c', '-o', 'a.o'],
    step: 'compile',
    args: ['-O2', '-c', 'a.c', '-o', 'a.o', ...clang, ...ASAN],
  },
  {
    name: 'gcc compile uses trace-pc coverage',
    argv: ['-c', 'a.c'],
    toolchain: 'gcc',
    step: 'compile',
    args: ['-c', 'a.c', ...gcc, ...ASAN],
  },
  {
    name: '-S is a compile step',
    argv: ['-S', 'a.c'],
    step: 'compile',
    args: ['-S', 'a.c', ...clang, ...ASAN],
  },
  {
    name: 'dependency flags ride along a compile',
    argv: ['-MD', '-MF', 'a.d', '-c', 'a.c'],
    step: 'compile',
    args: ['-MD', '-MF', 'a.d', '-c', 'a.c', ...clang, ...ASAN],
  },
  {
    name: '-v with a compile is not a query',
    argv: ['-v', '-c', 'a.c'],
    step: 'compile',
    args: ['-v', '-c', 'a.c', ...clang, ...ASAN],
  },
  // Links of executables: the runtime and the exports.
  {
    name: 'clang compile+link',
    argv: ['a.c', '-o', 'a'],
    step: 'link-executable',
    args: [UNDEFINED_HARNESS, 'a.c', '-o', 'a', ...clang, ...ASAN, ...RUNTIME],
  },
  {
    name: 'gcc compile+link',
    argv: ['a.c', '-o', 'a'],
    toolchain: 'gcc',
    step: 'link-executable',
    args: [UNDEFINED_HARNESS, 'a.c', '-o', 'a', ...gcc, ...ASAN, ...RUNTIME],
  },
  {
    name: 'link of objects only gets no compile flags',
    argv: ['a.o', 'libx.a', '-o', 'prog', '-lm'],
    step: 'link-executable',
    args: [UNDEFINED_HARNESS, 'a.o', 'libx.a', '-o', 'prog', '-lm', ...ASAN, ...RUNTIME],
  },
  {
    name: 'the value of -include is not an input',
    argv: ['-include', 'pre.h', 'a.o', '-o', 'prog'],
    step: 'link-executable',
    args: [UNDEFINED_HARNESS, '-include', 'pre.h', 'a.o', '-o', 'prog', ...ASAN, ...RUNTIME],
  },
  {
    name: '-o with spaces stays one argument',
    argv: ['my dir/a b.c', '-o', 'out dir/my target'],
    step: 'link-executable',
    args: [
      UNDEFINED_HARNESS,
      'my dir/a b.c',
      '-o',
      'out dir/my target',
      ...clang,
      ...ASAN,
      ...RUNTIME,
    ],
  },
  {
    name: 'an open -x language is closed before the runtime archive',
    argv: ['-x', 'c', '-', '-o', 'prog'],
    step: 'link-executable',
    args: [
      UNDEFINED_HARNESS,
      '-x',
      'c',
      '-',
      '-o',
      'prog',
      ...clang,
      ...ASAN,
      '-x',
      'none',
      ...RUNTIME,
    ],
  },
  {
    name: 'a response file is passed through in place',
    argv: ['@objs.rsp', '-o', 'prog'],
    step: 'link-executable',
    args: [UNDEFINED_HARNESS, '@objs.rsp', '-o', 'prog', ...clang, ...ASAN, ...RUNTIME],
  },
  {
    name: 'a response file in a compile step',
    argv: ['@flags.rsp', '-c', 'a.c'],
    step: 'compile',
    args: ['@flags.rsp', '-c', 'a.c', ...clang, ...ASAN],
  },
  // libFuzzer's flags: removed, other sanitizers in the list kept.
  {
    name: '-fsanitize=fuzzer alone is removed and the runtime linked',
    argv: ['-fsanitize=fuzzer', 'h.o', '-o', 'fuzz'],
    step: 'link-executable',
    args: [UNDEFINED_HARNESS, 'h.o', '-o', 'fuzz', ...ASAN, ...RUNTIME],
  },
  {
    name: '-fsanitize=fuzzer,address keeps address in place',
    argv: ['-O1', '-fsanitize=fuzzer,address', 'h.cc', '-o', 'fuzz'],
    step: 'link-executable',
    args: [
      UNDEFINED_HARNESS,
      '-O1',
      '-fsanitize=address',
      'h.cc',
      '-o',
      'fuzz',
      ...clang,
      ...ASAN,
      ...RUNTIME,
    ],
  },
  {
    name: '-fsanitize=address,fuzzer-no-link in a compile step',
    argv: ['-fsanitize=address,fuzzer-no-link', '-c', 'lib.c'],
    toolchain: 'gcc',
    step: 'compile',
    args: ['-fsanitize=address', '-c', 'lib.c', ...gcc, ...ASAN],
  },
  {
    name: '-fsanitize=fuzzer-no-link at link: instrument but no runtime',
    argv: ['-fsanitize=fuzzer-no-link', 'a.c', '-o', 'tool'],
    step: 'link-without-runtime',
    args: ['a.c', '-o', 'tool', ...clang, ...ASAN],
  },
  {
    name: '-fno-sanitize=fuzzer is removed',
    argv: ['-fno-sanitize=fuzzer', '-c', 'a.c'],
    step: 'compile',
    args: ['-c', 'a.c', ...clang, ...ASAN],
  },
  // Libraries: sanitizers, never the runtime.
  {
    name: '-shared gets sanitizers but not the runtime',
    argv: ['-shared', '-fPIC', 'plugin.c', '-o', 'libplugin.so'],
    step: 'link-without-runtime',
    args: ['-shared', '-fPIC', 'plugin.c', '-o', 'libplugin.so', ...clang, ...ASAN],
  },
  {
    name: '-shared link of objects (gcc)',
    argv: ['-shared', 'a.o', '-o', 'liba.so'],
    toolchain: 'gcc',
    step: 'link-without-runtime',
    args: ['-shared', 'a.o', '-o', 'liba.so', ...ASAN],
  },
  {
    name: 'a relocatable link gets no runtime',
    argv: ['-r', 'a.o', 'b.o', '-o', 'ab.o'],
    step: 'link-without-runtime',
    args: ['-r', 'a.o', 'b.o', '-o', 'ab.o', ...ASAN],
  },
  // Sanitizer choices.
  {
    name: 'FUZZWB_SANITIZERS=none: coverage only',
    argv: ['-c', 'a.c'],
    sanitizers: [],
    step: 'compile',
    args: ['-c', 'a.c', ...clang],
  },
  {
    name: 'address,undefined makes UBSan findings fatal',
    argv: ['-c', 'a.c'],
    sanitizers: ['address', 'undefined'],
    step: 'compile',
    args: [
      '-c',
      'a.c',
      ...clang,
      '-fsanitize=address,undefined',
      '-fno-sanitize-recover=undefined',
    ],
  },
  {
    name: 'memory under clang',
    argv: ['a.c', '-o', 'a'],
    sanitizers: ['memory'],
    step: 'link-executable',
    args: [UNDEFINED_HARNESS, 'a.c', '-o', 'a', ...clang, '-fsanitize=memory', ...RUNTIME],
  },
  // Nothing to build: nothing added.
  {
    name: 'no input files (linker version probe)',
    argv: ['-Wl,--version'],
    step: 'no-input',
    args: ['-Wl,--version'],
  },
  {
    name: 'no input files, libFuzzer flag still removed',
    argv: ['-fsanitize=fuzzer', '-Wl,--version'],
    toolchain: 'gcc',
    step: 'no-input',
    args: ['-Wl,--version'],
  },
];

/** Queries: passed through exactly, for both toolchains. */
const queries: string[][] = [
  ['--version'],
  ['-v'],
  ['-dumpversion'],
  ['-dumpmachine'],
  ['-print-file-name=libasan.so'],
  ['-print-search-dirs'],
  ['--print-prog-name=ld'],
  ['-E', 'a.c', '-o', 'a.i'],
  ['-E', '-dM', '-x', 'c', '/dev/null'],
  ['-M', 'a.c'],
  ['-MM', '-I', 'inc', 'a.c'],
];

describe('rewriteArgs', () => {
  for (const c of cases) {
    test(c.name, () => {
      const result = rewriteArgs({
        argv: c.argv,
        toolchain: c.toolchain ?? 'clang',
        sanitizers: c.sanitizers ?? ['address'],
        runtime: RT,
      });
      assert.deepEqual(result.args, c.args);
      assert.equal(result.step, c.step);
      assert.equal(result.linksRuntime, c.step === 'link-executable');
    });
  }

  for (const toolchain of ['clang', 'gcc'] as const) {
    for (const argv of queries) {
      test(`${toolchain}: query ${argv.join(' ')} passes through`, () => {
        const result = rewriteArgs({ argv, toolchain, sanitizers: ['address'], runtime: RT });
        assert.equal(result.step, 'query');
        assert.deepEqual(result.args, argv);
        assert.equal(result.linksRuntime, false);
      });
    }
  }

  test('the memory sanitizer under gcc is one clear error', () => {
    assert.throws(
      () =>
        rewriteArgs({ argv: ['-c', 'a.c'], toolchain: 'gcc', sanitizers: ['memory'], runtime: RT }),
      (err: unknown) =>
        err instanceof WrapperError && /memory sanitizer needs clang/.test(err.message),
    );
  });

  test("the runtime include dir is searched after the user's, for compiles only", () => {
    const inc = '/opt/fwb/native/include';
    const compile = rewriteArgs({
      argv: ['-Iown', '-c', 'a.c'],
      toolchain: 'clang',
      sanitizers: [],
      runtime: RT,
      includeDir: inc,
    });
    assert.deepEqual(compile.args, ['-Iown', '-c', 'a.c', ...clang, '-idirafter', inc]);
    const link = rewriteArgs({
      argv: ['a.o', '-o', 'a'],
      toolchain: 'clang',
      sanitizers: [],
      runtime: RT,
      includeDir: inc,
    });
    assert.ok(!link.args.includes(inc), 'no include dir on a link-only line');
  });

  test('the input argv is not modified', () => {
    const argv = ['-fsanitize=fuzzer,address', 'a.c', '-o', 'a'];
    const copy = [...argv];
    rewriteArgs({ argv, toolchain: 'clang', sanitizers: ['address'], runtime: RT });
    assert.deepEqual(argv, copy);
  });
});
