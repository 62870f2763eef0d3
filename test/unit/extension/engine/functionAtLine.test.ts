// Where Create Fuzz Harness is offered: on the first line of a C/C++ function definition only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionNameAt } from '../../../../src/extension/commands/functionAtLine';

const SOURCE = `#include <stdint.h>
#define MAX(a, b) ((a) > (b) ? (a) : (b))
int parse_header(const uint8_t *data, size_t len);
static int parse_header(const uint8_t *data,
                        size_t len)
{
  if (len < 4) return -1;
  return helper(data, len);
}
uint32_t device_read(struct device *d, uint64_t addr, unsigned size) {
  return 0;
}
const char *name_of(int id) { return "x"; }
`.split('\n');

test('finds definitions, with parameters over several lines and pointer returns', () => {
  assert.equal(functionNameAt(SOURCE, 3), 'parse_header');
  assert.equal(functionNameAt(SOURCE, 9), 'device_read');
  assert.equal(functionNameAt(SOURCE, 12), 'name_of');
});

test('not on prototypes, statements, calls, macros or blank lines', () => {
  assert.equal(functionNameAt(SOURCE, 0), undefined);
  assert.equal(functionNameAt(SOURCE, 1), undefined);
  assert.equal(functionNameAt(SOURCE, 2), undefined, 'a prototype');
  assert.equal(functionNameAt(SOURCE, 6), undefined, 'an if statement');
  assert.equal(functionNameAt(SOURCE, 7), undefined, 'a return of a call');
  assert.equal(functionNameAt(SOURCE, 99), undefined);
});
