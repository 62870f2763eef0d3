// C statements that make each argument of the function under test from the data provider.
import type { CFunction } from './cScan';
import { enumMembers, listFunctions } from './cScan';
import { isIntegerType, type CParam } from './cParams';

/** What the generator knows about the code: the source and its header, comments intact. */
export interface CodeContext {
  /** Source text plus the sibling header's text, for types and constants. */
  text: string;
  /** Functions of both. */
  functions: CFunction[];
}

export function codeContext(sourceText: string, headerText = ''): CodeContext {
  const text = `${headerText}\n${sourceText}`;
  return { text, functions: listFunctions(text) };
}

/** The lines of the body: setup before the call, the call's argument list, cleanup after. */
export interface EmittedArgs {
  setup: string[];
  args: string[];
  cleanup: string[];
}

/** Fields of `struct tag { ... }` or `typedef struct { ... } tag;` as [type, name, isArray]. */
export function structFields(text: string, type: string): [string, string, boolean][] | undefined {
  const tag = type.replace(/^struct\s+/, '');
  const res = [
    new RegExp(`\\bstruct\\s+${tag}\\s*\\{([^{}]*)\\}`),
    new RegExp(`\\btypedef\\s+struct\\s*\\w*\\s*\\{([^{}]*)\\}\\s*${tag}\\s*;`),
  ];
  for (const re of type.startsWith('struct ') ? [res[0] as RegExp] : res) {
    const m = re.exec(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''));
    if (m === null) continue;
    const fields: [string, string, boolean][] = [];
    for (const decl of (m[1] as string).split(';')) {
      const d = /^\s*([\w\s]+?[\s*]+)(\w+)\s*(\[[^\]]*\])?\s*$/.exec(decl);
      if (d === null) continue;
      fields.push([(d[1] as string).trim(), d[2] as string, d[3] !== undefined]);
    }
    return fields;
  }
  return undefined;
}

/** A constructor for an opaque type: `T *x_new(void)` and friends, and its matching destructor. */
export function lifecycleFor(
  ctx: CodeContext,
  pointee: string,
): { create?: string; destroy?: string } {
  const typeRe = new RegExp(`^(const\\s+)?${pointee.replace(/\s+/g, '\\s+')}\\s*\\*$`);
  const ret = (f: CFunction): string => f.returnType.replace(/\bstatic\b/, '').trim();
  const create = ctx.functions.find(
    (f) =>
      typeRe.test(ret(f)) &&
      (f.params === '' || f.params === 'void') &&
      /(new|create|alloc|open|init)\w*$/i.test(f.name),
  );
  const destroy = ctx.functions.find(
    (f) =>
      /^void$/.test(ret(f)) &&
      new RegExp(`^(const\\s+)?${pointee.replace(/\s+/g, '\\s+')}\\s*\\*\\s*\\w*$`).test(
        f.params,
      ) &&
      /(free|destroy|delete|close|fini|finalize|release|unref)$/i.test(f.name),
  );
  return {
    ...(create ? { create: create.name } : {}),
    ...(destroy ? { destroy: destroy.name } : {}),
  };
}

/**
 * The provider call for an integer type, by its width: a uint16_t takes two bytes, not eight, so
 * inputs stay dense and a compared constant shows up in the input as the compared value's bytes.
 */
function intExpr(type: string): string {
  if (/\b(bool|_Bool|gboolean)\b/.test(type)) return 'fuzzwb_fdp_bool(&p)';
  const t = type.replace(/\b(const|volatile|signed|unsigned)\b/g, ' ').trim();
  let width = 'u64';
  if (/\b(u?int8_t|[us]8|char|guchar|gchar)$/.test(t)) width = 'u8';
  else if (/\b(u?int16_t|[us]16|short|short int)$/.test(t)) width = 'u16';
  else if (/\b(u?int32_t|[us]32|int|gint|guint)$/.test(t) || t === '') width = 'u32';
  return `(${type})fuzzwb_fdp_${width}(&p)`;
}

function scalarFor(ctx: CodeContext, p: CParam, setup: string[]): string {
  if (p.kind === 'float') return `(${p.type})(fuzzwb_fdp_probability(&p) * 2000.0 - 1000.0)`;
  if (p.kind === 'enum') {
    const members = enumMembers(ctx.text, p.enumTag ?? '');
    if (members !== undefined && members.length > 0) {
      const table = `${p.name}_values`;
      setup.push(`static const ${p.type} ${table}[] = {${members.join(', ')}};`);
      return `${table}[fuzzwb_fdp_pick(&p, sizeof ${table} / sizeof ${table}[0])]`;
    }
  }
  return intExpr(p.type);
}

/** Declares a zeroed struct and fills its scalar and array fields; pointers stay NULL. */
function fillStruct(
  type: string,
  name: string,
  fields: [string, string, boolean][],
  setup: string[],
): void {
  setup.push(`${type} ${name};`, `memset(&${name}, 0, sizeof ${name});`);
  for (const [ftype, fname, isArray] of fields) {
    const base = ftype.replace(/\bconst\b/g, '').trim();
    if (ftype.includes('*')) continue;
    if (isArray) setup.push(`fuzzwb_fdp_copy(&p, ${name}.${fname}, sizeof ${name}.${fname});`);
    else if (isIntegerType(base)) setup.push(`${name}.${fname} = ${intExpr(base)};`);
  }
}

function objectArg(ctx: CodeContext, p: CParam, out: EmittedArgs): void {
  const type = p.objectType ?? 'void';
  if (isIntegerType(type)) {
    // An in/out integer (int *count): a local with a value from the input, passed by address.
    out.setup.push(`${type} ${p.name} = ${intExpr(type)};`);
    out.args.push(`&${p.name}`);
    return;
  }
  const fields = structFields(ctx.text, type);
  if (fields !== undefined) {
    fillStruct(type, p.name, fields, out.setup);
    out.args.push(`&${p.name}`);
    return;
  }
  const life = lifecycleFor(ctx, type);
  if (life.create !== undefined) {
    out.setup.push(
      `${type} *${p.name} = ${life.create}();`,
      `if (${p.name} == NULL)`,
      '  return 0;',
    );
    if (life.destroy !== undefined) out.cleanup.push(`${life.destroy}(${p.name});`);
    out.args.push(p.name);
    return;
  }
  out.setup.push(`/* ${p.name}: no definition or constructor of ${type} found; passing NULL. */`);
  out.args.push('NULL');
}

/**
 * Emits every argument. Scalars come from the end of the input and are made first, so the byte
 * buffers and strings, taken from the front, know how much is left; the last of them takes it all.
 */
export function emitArgs(ctx: CodeContext, params: CParam[]): EmittedArgs {
  const scalars: EmittedArgs = { setup: [], args: [], cleanup: [] };
  const data: string[] = [];
  const lastData = params.map((p) => p.kind === 'buffer' || p.kind === 'string').lastIndexOf(true);
  params.forEach((p, i) => {
    if (p.kind === 'length') return;
    const next = params[i + 1];
    const lengthArg = next?.kind === 'length' ? next : undefined;
    if (p.kind === 'buffer') {
      const n = `${p.name}_size`;
      const want =
        i === lastData
          ? 'fuzzwb_fdp_remaining(&p)'
          : 'fuzzwb_fdp_u64_range(&p, 0, fuzzwb_fdp_remaining(&p))';
      data.push(
        `size_t ${n};`,
        `uint8_t *${p.name} = fuzzwb_fdp_bytes_dup(&p, ${want}, &${n});`,
        `if (${p.name} == NULL)`,
        '  return 0;',
      );
      scalars.args.push(`(${p.type})${p.name}`);
      if (lengthArg !== undefined) scalars.args.push(`(${lengthArg.type})${n}`);
      scalars.cleanup.push(`free(${p.name});`);
      return;
    }
    if (p.kind === 'string') {
      const make =
        i === lastData
          ? 'fuzzwb_fdp_string_n(&p, fuzzwb_fdp_remaining(&p))'
          : 'fuzzwb_fdp_string(&p, 4096)';
      data.push(`char *${p.name} = ${make};`, `if (${p.name} == NULL)`, '  return 0;');
      scalars.args.push(p.name);
      scalars.cleanup.push(`free(${p.name});`);
      return;
    }
    if (p.kind === 'object') return objectArg(ctx, p, scalars);
    if (p.kind === 'opaque') {
      scalars.args.push(p.pointerDepth > 0 ? 'NULL' : '0');
      return;
    }
    const byValue = p.kind === 'enum' ? structFields(ctx.text, p.enumTag ?? '') : undefined;
    if (byValue !== undefined && enumMembers(ctx.text, p.enumTag ?? '') === undefined) {
      // A struct typedef passed by value: filled like one passed by pointer.
      fillStruct(p.type, p.name, byValue, scalars.setup);
      scalars.args.push(p.name);
      return;
    }
    const expr = scalarFor(ctx, p, scalars.setup);
    scalars.setup.push(`${p.type} ${p.name} = ${expr};`);
    scalars.args.push(p.name);
  });
  return { ...scalars, setup: [...scalars.setup, ...data] };
}
