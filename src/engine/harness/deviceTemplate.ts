// The device template: an interpreter of MMIO read/write and clock-step operations against a
// device model's register interface, reset after each input (in the spirit of QEMU's generic-fuzz).
import type { CodeContext } from './argEmitters';
import { lifecycleFor } from './argEmitters';
import { blankNonCode, integerConstants, type CFunction } from './cScan';
import { parseParams, type CParam } from './cParams';

/** The register interface found in the source; names are what the template calls. */
export interface DeviceInterface {
  /** The device pointer type, e.g. "struct device *" or "void *". */
  deviceType: string;
  read?: { name: string; hasSize: boolean };
  write?: { name: string; hasSize: boolean };
  reset?: string;
  clock?: { name: string; hasTicks: boolean };
  create?: string;
  destroy?: string;
  /** Size of the register window addresses are drawn from, a power of two. */
  window: number;
  /** Register width in bytes (from the value's type) when the accessors take no size. */
  width: number;
}

function isDevicePtr(p: CParam | undefined): boolean {
  return p !== undefined && p.pointerDepth === 1 && (p.kind === 'object' || p.kind === 'opaque');
}

const ints = (ps: CParam[]): boolean => ps.every((p) => p.kind === 'int' || p.kind === 'length');

/** Finds read/write/reset/clock functions taking (dev, addr, [val], [size]). */
export function findDeviceInterface(
  ctx: CodeContext,
  prefer?: CFunction,
): DeviceInterface | undefined {
  const defs = ctx.functions.filter(
    (f) => f.hasBody || !ctx.functions.some((g) => g.hasBody && g.name === f.name),
  );
  const withParams = defs.map((f) => ({ f, ps: parseParams(f.params) }));
  // A prefix shared with the chosen function narrows the search to its device (foo_read, foo_write).
  const own = /^(.*_)(read|write|reset|clock|tick|step)\w*$/i.exec(prefer?.name ?? '');
  const prefix = own?.[1] ?? '';
  const pick = (
    re: RegExp,
    ok: (ps: CParam[]) => boolean,
  ): { f: CFunction; ps: CParam[] } | undefined => {
    const all = withParams.filter(({ f, ps }) => re.test(f.name) && isDevicePtr(ps[0]) && ok(ps));
    return all.find(({ f }) => prefix !== '' && f.name.startsWith(prefix)) ?? all[0];
  };
  const read = pick(
    /(^|_)(mmio_|io_|reg_)?read[lwbq]?$/i,
    (ps) => (ps.length === 2 || ps.length === 3) && ints(ps.slice(1)),
  );
  const write = pick(
    /(^|_)(mmio_|io_|reg_)?write[lwbq]?$/i,
    (ps) => (ps.length === 3 || ps.length === 4) && ints(ps.slice(1)),
  );
  if (read === undefined && write === undefined) return undefined;
  const devType = ((read ?? write)?.ps[0] as CParam).type;
  const sameDev = (ps: CParam[]): boolean =>
    ps[0]?.type.replace(/\bconst\b/g, '').trim() === devType.replace(/\bconst\b/g, '').trim();
  const reset = pick(/(^|_)reset$/i, (ps) => ps.length === 1 && sameDev(ps));
  const clock = pick(
    /(^|_)(clock|tick|step|advance|run_timers?|timer)$/i,
    (ps) => (ps.length === 1 || (ps.length === 2 && ints(ps.slice(1)))) && sameDev(ps),
  );
  const pointee = devType
    .replace(/\*/g, '')
    .replace(/\bconst\b/g, '')
    .trim();
  const life = pointee === 'void' ? {} : lifecycleFor(ctx, pointee);
  return {
    deviceType: devType,
    ...(read ? { read: { name: read.f.name, hasSize: read.ps.length === 3 } } : {}),
    ...(write ? { write: { name: write.f.name, hasSize: write.ps.length === 4 } } : {}),
    ...(reset ? { reset: reset.f.name } : {}),
    ...(clock ? { clock: { name: clock.f.name, hasTicks: clock.ps.length === 2 } } : {}),
    ...life,
    window: registerWindow(ctx, [read?.f, write?.f]),
    width: valueWidth(write?.ps[2]?.type ?? read?.f.returnType ?? ''),
  };
}

/** Bytes of an integer type by its name (uint64_t, u16, unsigned char...); 4 when unsure. */
function valueWidth(type: string): number {
  if (/64|long long|\bhwaddr\b/.test(type)) return 8;
  if (/16|short/.test(type)) return 2;
  if (/\b(u?int8_t|u8|s8|char)\b/.test(type)) return 1;
  return 4;
}

/**
 * The register window: the smallest power of two above the largest `case` label of the read and
 * write functions (their register decoding); 256 bytes when nothing says otherwise.
 */
export function registerWindow(ctx: CodeContext, fns: (CFunction | undefined)[]): number {
  const consts = integerConstants(ctx.text);
  const code = blankNonCode(ctx.text);
  let max = -1;
  for (const f of fns) {
    if (f === undefined || !f.hasBody) continue;
    const body = code.slice(f.bodyStart, f.bodyEnd);
    for (const m of body.matchAll(/\bcase\s+([\w]+)\s*:/g)) {
      const t = (m[1] as string).replace(/[uUlL]+$/, '');
      const v = /^(0[xX][0-9a-fA-F]+|\d+)$/.test(t) ? Number(t) : consts.get(t);
      if (v !== undefined && v < 1 << 24) max = Math.max(max, v);
    }
  }
  if (max < 0) return 256;
  let w = 4;
  while (w <= max) w *= 2;
  return w;
}

/** The body of the device harness (after the includes). */
export function renderDeviceHarness(dev: DeviceInterface, cxx: boolean): string {
  const ext = cxx ? 'extern "C" ' : '';
  const ops: string[] = [];
  if (dev.read !== undefined) ops.push('OP_READ');
  if (dev.write !== undefined) ops.push('OP_WRITE');
  if (dev.clock !== undefined) ops.push('OP_CLOCK');
  const sized = dev.read?.hasSize === true || dev.write?.hasSize === true;
  const L: string[] = [];
  L.push(
    `/* Register window and the largest access; addresses are aligned to the access size. */`,
    `#define FUZZ_MMIO_WINDOW 0x${dev.window.toString(16)}u`,
    `#define FUZZ_MAX_OPS 4096`,
    '',
    `enum { ${ops.join(', ')}, OP_COUNT };`,
    '',
    `static ${dev.deviceType.endsWith('*') ? dev.deviceType : `${dev.deviceType} `}fuzz_dev;`,
    '',
  );
  const create = dev.create !== undefined ? `${dev.create}()` : 'NULL';
  L.push(
    `/* The device is made once, before the fork server starts; every input then runs on it`,
    ` * and it is reset afterwards, so a persistent child starts each input from power-on state. */`,
    `${ext}int LLVMFuzzerInitialize(int *argc, char ***argv) {`,
    '  (void)argc;',
    '  (void)argv;',
    `  fuzz_dev = ${create};`,
    ...(dev.create === undefined
      ? ['  /* No constructor was found: make the device here (fuzz_dev = my_device_new();). */']
      : []),
    '  return 0;',
    '}',
    '',
    `/* The input is a program: each operation picks a kind, a register and a value. */`,
    `${ext}int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {`,
    '  fuzzwb_fdp p;',
    '  fuzzwb_fdp_init(&p, data, size);',
    '  if (fuzz_dev == NULL)',
    '    return 0;',
    '  for (int n = 0; n < FUZZ_MAX_OPS && fuzzwb_fdp_remaining(&p) > 0; n++) {',
    ...(sized
      ? [
          '    static const unsigned sizes[] = {1, 2, 4, 8};',
          `    unsigned access = sizes[fuzzwb_fdp_pick(&p, ${dev.width >= 8 ? 4 : 3})];`,
        ]
      : [`    const unsigned access = ${dev.width};`]),
    '    uint32_t addr = (uint32_t)fuzzwb_fdp_u64_range(&p, 0, FUZZ_MMIO_WINDOW - 1) & ~(access - 1u);',
    '    switch (fuzzwb_fdp_pick(&p, OP_COUNT)) {',
  );
  if (dev.read !== undefined) {
    const args = dev.read.hasSize ? 'fuzz_dev, addr, access' : 'fuzz_dev, addr';
    L.push('    case OP_READ:', `      (void)${dev.read.name}(${args});`, '      break;');
  }
  if (dev.write !== undefined) {
    const args = dev.write.hasSize ? 'fuzz_dev, addr, value, access' : 'fuzz_dev, addr, value';
    L.push(
      '    case OP_WRITE: {',
      '      uint64_t value = fuzzwb_fdp_u64(&p);',
      '      if (access < 8)',
      '        value &= (1ull << (access * 8)) - 1;',
      `      ${dev.write.name}(${args});`,
      '      break;',
      '    }',
    );
  }
  if (dev.clock !== undefined) {
    const args = dev.clock.hasTicks
      ? 'fuzz_dev, (unsigned)fuzzwb_fdp_u64_range(&p, 1, 64)'
      : 'fuzz_dev';
    L.push('    case OP_CLOCK:', `      ${dev.clock.name}(${args});`, '      break;');
  }
  L.push('    default:', '      break;', '    }', '  }');
  if (dev.reset !== undefined) {
    L.push(`  ${dev.reset}(fuzz_dev);`);
  } else if (dev.create !== undefined && dev.destroy !== undefined) {
    L.push(
      '  /* No reset function was found: a fresh device stands in for one. */',
      `  ${dev.destroy}(fuzz_dev);`,
      `  fuzz_dev = ${dev.create}();`,
    );
  } else {
    L.push('  /* No reset function was found: reset the device here for persistent mode. */');
  }
  L.push('  return 0;', '}');
  return L.join('\n');
}
