// The C scanner and declarator parser: functions, lines, parameters, constants.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  enumMembers,
  functionAtLine,
  integerConstants,
  listFunctions,
} from '../../../src/engine/harness/cScan';
import { parseParams } from '../../../src/engine/harness/cParams';

const SRC = `/* header comment with int fake(void) { } inside */
#include <stdio.h>
#define SIZE 0x40
#define NAME "not { a function (x) }"

struct point { int x, y; };
static const char *table[] = { "a(", "b{" };
typedef int (*callback)(int);

static int helper(const char *s,
                  int n)
{
  if (n > 0) { return s[0]; }
  return 0;
}

unsigned long long big(void);

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) { puts(argv[i]); }
  return helper("}", 1);
}

extern "C" {
namespace ns {
int Parser::parse(const uint8_t *data, size_t size) const {
  return (int)size;
}
}
}
`;

test('lists definitions and prototypes with their lines, ignoring comments and strings', () => {
  const fns = listFunctions(SRC);
  assert.deepEqual(
    fns.map((f) => [f.name, f.hasBody, f.isStatic, f.startLine, f.nameLine, f.endLine]),
    [
      ['helper', true, true, 10, 10, 15],
      ['big', false, false, 17, 17, 17],
      ['main', true, false, 19, 19, 22],
      ['parse', true, false, 26, 26, 28],
    ],
  );
  const helper = fns[0];
  assert.equal(helper?.params, 'const char *s, int n');
  assert.equal(helper?.returnType, 'static int');
  assert.equal(fns[1]?.returnType, 'unsigned long long');
});

test('function at a line: signature and body lines, nothing between functions', () => {
  assert.equal(functionAtLine(SRC, 11)?.name, 'helper');
  assert.equal(functionAtLine(SRC, 13)?.name, 'helper');
  assert.equal(functionAtLine(SRC, 20)?.name, 'main');
  assert.equal(functionAtLine(SRC, 16), undefined);
  assert.equal(functionAtLine(SRC, 6), undefined, 'a struct is not a function');
});

test('constants from #define and enums, enum members by tag or typedef', () => {
  const text = `#define BASE 0x10\nenum regs { R_A = BASE, R_B, R_C = 0x20u };\ntypedef enum { X, Y } xy_t;`;
  const c = integerConstants(`${SRC}\n${text}`);
  assert.equal(c.get('SIZE'), 0x40);
  assert.equal(c.get('R_A'), 0x10);
  assert.equal(c.get('R_B'), 0x11);
  assert.equal(c.get('R_C'), 0x20);
  assert.deepEqual(enumMembers(text, 'regs'), ['R_A', 'R_B', 'R_C']);
  assert.deepEqual(enumMembers(text, 'xy_t'), ['X', 'Y']);
  assert.equal(enumMembers(text, 'nope'), undefined);
});

test('parameters: buffer+length pairs, strings, ints, enums, objects, opaque', () => {
  const kinds = (list: string): string[] =>
    parseParams(list).map((p) => `${p.name}:${p.kind}:${p.type}`);
  assert.deepEqual(kinds('void'), []);
  assert.deepEqual(kinds(''), []);
  assert.deepEqual(kinds('const uint8_t *buf, size_t len'), [
    'buf:buffer:const uint8_t *',
    'len:length:size_t',
  ]);
  assert.deepEqual(kinds('const char *name, int flags'), [
    'name:string:const char *',
    'flags:int:int',
  ]);
  assert.deepEqual(kinds('char *out, unsigned n, enum mode m, struct dev *d'), [
    'out:buffer:char *',
    'n:length:unsigned',
    'm:enum:enum mode',
    'd:object:struct dev *',
  ]);
  assert.deepEqual(kinds('void *opaque, hwaddr addr, unsigned size'), [
    'opaque:opaque:void *',
    'addr:int:hwaddr',
    'size:int:unsigned',
  ]);
  assert.deepEqual(kinds('int (*cb)(int, char *), double x, unsigned char data[16], ...'), [
    'cb:opaque:int (*cb)(int, char *)',
    'x:float:double',
    'data:buffer:unsigned char *',
  ]);
  assert.deepEqual(kinds('unsigned int, long'), ['arg0:int:unsigned int', 'arg1:int:long']);
  assert.deepEqual(kinds('my_enum_t e, const struct cfg *c'), [
    'e:enum:my_enum_t',
    'c:object:const struct cfg *',
  ]);
});
