// Harness generation: the template chosen, the calls made, the device interface found.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { codeContext } from '../../../src/engine/harness/argEmitters';
import { findDeviceInterface } from '../../../src/engine/harness/deviceTemplate';
import {
  applicableTemplates,
  candidateFunctions,
  generateHarness,
  HarnessError,
} from '../../../src/engine/harness/generate';
import { targetEntryFor } from '../../../src/engine/harness/createHarness';
import { fixture, repoRoot } from '../../helpers/paths';

const deviceC = readFileSync(`${repoRoot}/examples/device/device.c`, 'utf8');
const deviceH = {
  name: 'device.h',
  text: readFileSync(`${repoRoot}/examples/device/device.h`, 'utf8'),
};
const parserC = readFileSync(fixture('harness', 'parser.c'), 'utf8');
const parserH = { name: 'parser.h', text: readFileSync(fixture('harness', 'parser.h'), 'utf8') };

test('candidates: definitions only, without main', () => {
  assert.deepEqual(
    candidateFunctions(parserC).map((f) => f.name),
    ['parse_records', 'sum_name', 'check_packet'],
  );
});

test('device interface of the example: read, write, reset, clock, new/free, window', () => {
  const dev = findDeviceInterface(codeContext(deviceC, deviceH.text));
  assert.deepEqual(dev, {
    deviceType: 'struct device *',
    read: { name: 'device_read', hasSize: false },
    write: { name: 'device_write', hasSize: false },
    reset: 'device_reset',
    clock: { name: 'device_clock', hasTicks: true },
    create: 'device_new',
    destroy: 'device_free',
    window: 0x20,
    width: 4,
  });
});

test('QEMU-style accessors (opaque, addr, [val], size) take the access size', () => {
  const src = `
typedef unsigned long hwaddr;
struct uart { int lcr; };
static uint64_t uart_read(void *opaque, hwaddr addr, unsigned size) {
  switch (addr) { case 0: return 1; case 7: return 2; }
  return 0;
}
static void uart_write(void *opaque, hwaddr addr, uint64_t val, unsigned size) { }
static void uart_reset(void *opaque) { }
`;
  const h = generateHarness({
    sourcePath: '/x/uart.c',
    sourceText: src,
    functionName: 'uart_write',
  });
  assert.equal(h.template, 'device');
  assert.equal(h.includesSource, true, 'static accessors: the source is included');
  assert.match(h.text, /#define FUZZ_MMIO_WINDOW 0x8u/);
  assert.match(h.text, /uart_read\(fuzz_dev, addr, access\)/);
  assert.match(h.text, /uart_write\(fuzz_dev, addr, value, access\)/);
  assert.match(h.text, /uart_reset\(fuzz_dev\);\n {2}return 0;/);
  assert.match(h.text, /sizes\[fuzzwb_fdp_pick\(&p, 4\)\]/, '64-bit values allow 8-byte access');
  assert.match(h.text, /#define main fuzzwb_original_main\n#include "uart.c"/);
});

test('device template for the example calls its accessors and resets after each input', () => {
  const h = generateHarness({
    sourcePath: '/ws/examples/device/device.c',
    sourceText: deviceC,
    header: deviceH,
    functionName: 'device_write',
  });
  assert.equal(h.template, 'device');
  assert.equal(h.fileName, 'device_write_fuzz.c');
  assert.equal(h.includesSource, false);
  assert.match(h.text, /#include "device.h"/);
  assert.match(h.text, /fuzz_dev = device_new\(\);/);
  assert.match(h.text, /\(void\)device_read\(fuzz_dev, addr\);/);
  assert.match(h.text, /device_clock\(fuzz_dev, /);
  assert.match(h.text, /device_reset\(fuzz_dev\);\n {2}return 0;\n\}\n$/);
});

test('bytes template: an exact-size copy passed with its length', () => {
  const h = generateHarness({
    sourcePath: '/ws/parser.c',
    sourceText: parserC,
    header: parserH,
    functionName: 'parse_records',
  });
  assert.equal(h.template, 'bytes');
  assert.match(h.text, /\(void\)parse_records\(\(const uint8_t \*\)copy, \(size_t\)size\);/);
  assert.match(h.text, /free\(copy\);/);
});

test('struct template: struct fields, enum members and a key from the provider', () => {
  const h = generateHarness({
    sourcePath: '/ws/parser.c',
    sourceText: parserC,
    header: parserH,
    functionName: 'check_packet',
  });
  assert.equal(h.template, 'struct');
  assert.match(h.text, /pkt\.kind = \(uint16_t\)fuzzwb_fdp_u16\(&p\);/);
  assert.match(h.text, /fuzzwb_fdp_copy\(&p, pkt\.payload, sizeof pkt\.payload\);/);
  assert.doesNotMatch(h.text, /pkt\.label/, 'pointer fields stay NULL');
  assert.match(h.text, /\{MODE_STRICT, MODE_LENIENT, MODE_RECOVER\}/);
  assert.match(h.text, /\(void\)check_packet\(&pkt, key, mode\);/);
});

test('by line, C++ sources, static functions, and clear refusals', () => {
  const byLine = generateHarness({ sourcePath: '/ws/parser.c', sourceText: parserC, line: 22 });
  assert.equal(byLine.function.name, 'sum_name');
  assert.equal(byLine.includesSource, true);
  const withMain = generateHarness({
    sourcePath: '/ws/tool.c',
    sourceText: 'int run(const char *a) { return a[0]; }\nint main(void) { return run("x"); }\n',
    header: { name: 'tool.h', text: 'int run(const char *a);\n' },
    functionName: 'run',
  });
  assert.equal(withMain.includesSource, true, 'a source with main() is included, main renamed');
  assert.match(withMain.text, /beside a main\(\)[\s\S]*#define main fuzzwb_original_main/);
  const cxx = generateHarness({
    sourcePath: '/ws/p.cc',
    sourceText: 'int parse(const char *text) { return text[0]; }\n',
    functionName: 'parse',
  });
  assert.equal(cxx.fileName, 'parse_fuzz.cc');
  assert.equal(cxx.language, 'c++');
  assert.match(cxx.text, /extern "C" int LLVMFuzzerTestOneInput/);
  assert.throws(
    () =>
      generateHarness({ sourcePath: '/ws/parser.c', sourceText: parserC, functionName: 'nope' }),
    (e: unknown) =>
      e instanceof HarnessError && /no definition of nope.*parse_records/.test(e.message),
  );
  assert.throws(
    () => generateHarness({ sourcePath: '/ws/parser.c', sourceText: parserC, line: 1 }),
    /no function at line 1/,
  );
  assert.throws(
    () =>
      generateHarness({
        sourcePath: '/ws/parser.c',
        sourceText: parserC,
        functionName: 'parse_records',
        template: 'device',
      }),
    /no register interface/,
  );
});

test('the config entry: relative paths, sources unless included, the source dir on -I', () => {
  const h = generateHarness({
    sourcePath: '/ws/src/parser.c',
    sourceText: parserC,
    header: parserH,
    functionName: 'parse_records',
  });
  assert.deepEqual(
    targetEntryFor('/ws/fuzzwb.json', '/ws/src/parser.c', '/ws/src/parse_records_fuzz.c', h),
    {
      name: 'parse_records_fuzz',
      harness: 'src/parse_records_fuzz.c',
      sources: ['src/parser.c'],
      cflags: ['-Isrc'],
    },
  );
});

test('applicable templates: the default first, device only with a register interface', () => {
  const fns = candidateFunctions(deviceC);
  const write = fns.find((f) => f.name === 'device_write');
  assert.ok(write !== undefined);
  assert.deepEqual(applicableTemplates(deviceC, write, deviceH.text), ['device', 'struct']);
  const parse = candidateFunctions(parserC).find((f) => f.name === 'parse_records');
  assert.ok(parse !== undefined);
  assert.deepEqual(applicableTemplates(parserC, parse, parserH.text), ['bytes', 'struct']);
  const check = candidateFunctions(parserC).find((f) => f.name === 'check_packet');
  assert.ok(check !== undefined);
  assert.deepEqual(applicableTemplates(parserC, check, parserH.text), ['struct']);
});

test('struct template: structs by value and integers by pointer', () => {
  const src = [
    'typedef struct { uint32_t id; uint8_t tag[4]; } key_t;',
    'struct cfg { int level; char *name; };',
    'int apply(struct cfg c, key_t k, size_t *count) { return c.level + (int)k.id + (int)*count; }',
  ].join('\n');
  const h = generateHarness({ sourcePath: '/ws/a.c', sourceText: src, functionName: 'apply' });
  assert.equal(h.template, 'struct');
  assert.match(
    h.text,
    /struct cfg c;\n {2}memset\(&c, 0, sizeof c\);\n {2}c\.level = \(int\)fuzzwb_fdp_u32\(&p\);/,
  );
  assert.match(h.text, /key_t k;[\s\S]*fuzzwb_fdp_copy\(&p, k\.tag, sizeof k\.tag\);/);
  assert.match(h.text, /size_t count = \(size_t\)fuzzwb_fdp_u64\(&p\);/);
  assert.match(h.text, /\(void\)apply\(c, k, &count\);/);
});
