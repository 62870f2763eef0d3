// Harness generation (pure): from a source text and a function, the text of <name>_fuzz.c / .cc.
import { basename, extname } from 'node:path';
import { codeContext, emitArgs, type CodeContext } from './argEmitters';
import { findDeviceInterface, renderDeviceHarness } from './deviceTemplate';
import { functionAtLine, listFunctions, type CFunction } from './cScan';
import { parseParams, type CParam } from './cParams';

export type TemplateKind = 'bytes' | 'struct' | 'device';
export const TEMPLATE_KINDS: readonly TemplateKind[] = ['bytes', 'struct', 'device'];

export interface HarnessRequest {
  /** The source file's path (only its name and extension are used here). */
  sourcePath: string;
  sourceText: string;
  /** The sibling header (foo.h next to foo.c), if there is one: its name and text. */
  header?: { name: string; text: string };
  /** The function to fuzz, by name... */
  functionName?: string;
  /** ...or by a 1-based line inside it. */
  line?: number;
  /** Chosen automatically when absent. */
  template?: TemplateKind;
}

export interface GeneratedHarness {
  /** File name of the harness, next to the source: <function>_fuzz.c or .cc. */
  fileName: string;
  text: string;
  language: 'c' | 'c++';
  template: TemplateKind;
  function: CFunction;
  /**
   * True when the harness #includes the source itself (static function, or no header declaring
   * it): the target must then not compile the source separately.
   */
  includesSource: boolean;
}

/** Refusal to generate: the message says what to change. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

const CXX_EXTENSIONS = new Set(['.cc', '.cpp', '.cxx', '.C', '.c++']);

/** Functions a harness can be generated for: definitions, main and fuzz entry points excluded. */
export function candidateFunctions(sourceText: string): CFunction[] {
  return listFunctions(sourceText).filter(
    (f) => f.hasBody && !/^(main|LLVMFuzzer\w+)$/.test(f.name),
  );
}

function findFunction(req: HarnessRequest): CFunction {
  if (req.functionName !== undefined) {
    const f = candidateFunctions(req.sourceText).find((c) => c.name === req.functionName);
    if (f === undefined) {
      const names = candidateFunctions(req.sourceText).map((c) => c.name);
      throw new HarnessError(
        `no definition of ${req.functionName} in ${basename(req.sourcePath)}` +
          (names.length > 0 ? ` (functions: ${names.slice(0, 20).join(', ')})` : ''),
      );
    }
    return f;
  }
  if (req.line !== undefined) {
    const f = functionAtLine(req.sourceText, req.line);
    if (f === undefined) {
      throw new HarnessError(`no function at line ${req.line} of ${basename(req.sourcePath)}`);
    }
    return f;
  }
  throw new HarnessError('name a function or a line');
}

/** bytes for (buffer, length) or a lone string, device for register accessors, else struct. */
export function chooseTemplate(ctx: CodeContext, fn: CFunction): TemplateKind {
  const params = parseParams(fn.params);
  if (
    /(^|_)(mmio_|io_)?(read|write)[lwbq]?$/i.test(fn.name) &&
    findDeviceInterface(ctx, fn) !== undefined
  ) {
    return 'device';
  }
  const data = params.filter((p) => p.kind === 'buffer' || p.kind === 'string');
  const rest = params.filter((p) => !['buffer', 'string', 'length'].includes(p.kind));
  return data.length === 1 && rest.length === 0 ? 'bytes' : 'struct';
}

/**
 * The templates that fit a function, the one `generateHarness` would choose first: what a code
 * action or a quick pick offers. device needs a register interface in the file; bytes needs a
 * buffer or string parameter; struct always fits.
 */
export function applicableTemplates(
  sourceText: string,
  fn: CFunction,
  headerText?: string,
): TemplateKind[] {
  const ctx = codeContext(sourceText, headerText);
  const first = chooseTemplate(ctx, fn);
  const params = parseParams(fn.params);
  const fits: Record<TemplateKind, boolean> = {
    device: findDeviceInterface(ctx, fn) !== undefined,
    bytes: params.some((p) => p.kind === 'buffer' || p.kind === 'string'),
    struct: true,
  };
  return [first, ...TEMPLATE_KINDS.filter((k) => k !== first && fits[k])];
}

/** Includes: the header when it declares the function, else the source itself. */
function includeLines(req: HarnessRequest, fn: CFunction): { lines: string[]; source: boolean } {
  const declared =
    req.header !== undefined &&
    !fn.isStatic &&
    listFunctions(req.header.text).some((f) => f.name === fn.name);
  // A source with its own main cannot be linked beside the runtime's main: it is included instead.
  const hasMain = listFunctions(req.sourceText).some((f) => f.name === 'main' && f.hasBody);
  if (declared && !hasMain && req.header !== undefined) {
    return { lines: [`#include "${req.header.name}"`], source: false };
  }
  const why = fn.isStatic ? 'static' : hasMain ? 'beside a main()' : 'not declared in a header';
  return {
    lines: [
      `/* ${fn.name} is ${why}, so the source is compiled`,
      ' * into this harness (its main, if it has one, renamed out of the way). */',
      '#define main fuzzwb_original_main',
      `#include "${basename(req.sourcePath)}"`,
      '#undef main',
    ],
    source: true,
  };
}

function callLine(fn: CFunction, args: string[]): string {
  const call = `${fn.name}(${args.join(', ')})`;
  return /^(static\s+)?void$/.test(fn.returnType.trim()) ? `${call};` : `(void)${call};`;
}

/** bytes: the whole input is the buffer (an exact-size copy) or the string. */
function bytesBody(params: CParam[]): { setup: string[]; args: string[]; cleanup: string[] } {
  const setup: string[] = [];
  const args: string[] = [];
  const cleanup: string[] = [];
  params.forEach((p, i) => {
    const next = params[i + 1];
    if (p.kind === 'length') return;
    if (p.kind === 'buffer') {
      setup.push(
        '/* An exact-size copy: the sanitizer then sees every read past the end. */',
        'uint8_t *copy = (uint8_t *)malloc(size > 0 ? size : 1);',
        'if (copy == NULL)',
        '  return 0;',
        'if (size > 0)',
        '  memcpy(copy, data, size);',
      );
      args.push(`(${p.type})copy`);
      if (next?.kind === 'length') args.push(`(${next.type})size`);
      cleanup.push('free(copy);');
    } else if (p.kind === 'string') {
      setup.push(
        'char *text = (char *)malloc(size + 1);',
        'if (text == NULL)',
        '  return 0;',
        'if (size > 0)',
        '  memcpy(text, data, size);',
        "text[size] = '\\0';",
      );
      args.push('text');
      cleanup.push('free(text);');
    } else {
      args.push(p.pointerDepth > 0 ? 'NULL' : '0');
    }
  });
  return { setup, args, cleanup };
}

function indent(lines: string[]): string[] {
  return lines.map((l) => (l === '' ? l : `  ${l}`));
}

/** Generates the harness text for one function. */
export function generateHarness(req: HarnessRequest): GeneratedHarness {
  const fn = findFunction(req);
  const ctx = codeContext(req.sourceText, req.header?.text);
  const template = req.template ?? chooseTemplate(ctx, fn);
  const cxx = CXX_EXTENSIONS.has(extname(req.sourcePath));
  const ext = cxx ? 'extern "C" ' : '';
  const inc = includeLines(req, fn);
  const head = [
    `/* Fuzz harness for ${fn.name} (${basename(req.sourcePath)}:${fn.nameLine}), ${template} template.`,
    ' * Generated by Fuzz Workbench; edit it freely, it is yours now. */',
    ...inc.lines,
    '',
    '#include <fuzzwb/data_provider.h>',
    '',
    '#include <stddef.h>',
    '#include <stdint.h>',
    '#include <stdlib.h>',
    '#include <string.h>',
    '',
  ];
  let body: string;
  if (template === 'device') {
    const dev = findDeviceInterface(ctx, fn);
    if (dev === undefined) {
      throw new HarnessError(
        `no register interface found in ${basename(req.sourcePath)}: the device template needs ` +
          'functions named *_read(dev, addr[, size]) and/or *_write(dev, addr, value[, size])',
      );
    }
    body = renderDeviceHarness(dev, cxx);
  } else {
    const params = parseParams(fn.params);
    const parts = template === 'bytes' ? bytesBody(params) : emitArgs(ctx, params);
    const usesProvider = template === 'struct';
    body = [
      `${ext}int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {`,
      ...(usesProvider ? ['  fuzzwb_fdp p;', '  fuzzwb_fdp_init(&p, data, size);'] : []),
      ...indent(parts.setup),
      `  ${callLine(fn, parts.args)}`,
      ...indent(parts.cleanup),
      ...(template === 'bytes' && !parts.setup.some((l) => l.includes('data'))
        ? ['  (void)data;', '  (void)size;']
        : []),
      '  return 0;',
      '}',
    ].join('\n');
  }
  return {
    fileName: `${fn.name}_fuzz${cxx ? extname(req.sourcePath) : '.c'}`,
    text: `${head.join('\n')}\n${body}\n`,
    language: cxx ? 'c++' : 'c',
    template,
    function: fn,
    includesSource: inc.source,
  };
}
