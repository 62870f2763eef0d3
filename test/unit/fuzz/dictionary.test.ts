// Table tests of the AFL/libFuzzer dictionary parser: entry forms, escapes, comments and errors.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DictionaryError,
  loadDictionary,
  parseDictionary,
} from '../../../src/engine/fuzz/dictionary';

const hex = (b: Buffer): string => b.toString('hex');

const GOOD: { name: string; text: string; tokens: string[] }[] = [
  { name: 'bare value', text: '"abc"', tokens: ['616263'] },
  { name: 'named value', text: 'kw_if="if"', tokens: ['6966'] },
  { name: 'AFL level suffix', text: 'kw@2="x"', tokens: ['78'] },
  { name: 'spaces around =', text: '  name = "y"  ', tokens: ['79'] },
  { name: 'hex escape', text: '"\\x00\\xFf\\x7a"', tokens: ['00ff7a'] },
  { name: 'backslash escape', text: '"a\\\\b"', tokens: ['615c62'] },
  { name: 'quote escape', text: '"say \\"hi\\""', tokens: ['7361792022686922'] },
  { name: 'comments and blank lines', text: '# c\n\n  # indented\n"k"\n', tokens: ['6b'] },
  { name: 'CRLF line ends', text: '"a"\r\n"b"\r\n', tokens: ['61', '62'] },
  { name: 'duplicates kept once', text: '"a"\nx="a"\n"b"', tokens: ['61', '62'] },
  { name: 'empty value skipped', text: '""\n"z"', tokens: ['7a'] },
  { name: 'raw high bytes kept', text: '"\u00e9"', tokens: ['e9'] },
];

for (const c of GOOD) {
  test(`dictionary: ${c.name}`, () => {
    assert.deepEqual(parseDictionary(c.text, 'd.dict').map(hex), c.tokens);
  });
}

const BAD: { name: string; text: string; line: number; why: RegExp }[] = [
  { name: 'no quotes', text: 'abc', line: 1, why: /expected name="value"/ },
  { name: 'unterminated', text: '"ok"\n"abc', line: 2, why: /expected/ },
  { name: 'text after the value', text: '"a" # c', line: 1, why: /expected/ },
  { name: 'bad name', text: 'a-b="x"', line: 1, why: /expected/ },
  { name: 'short hex escape', text: '\n\n"\\x4"', line: 3, why: /two hex digits/ },
  { name: 'non-hex escape', text: '"\\xzz"', line: 1, why: /two hex digits/ },
  { name: 'unknown escape', text: '"\\n"', line: 1, why: /unknown escape \\n/ },
  { name: 'bare quote inside', text: '"a"b"', line: 1, why: /unescaped "/ },
  { name: 'lone backslash at the end', text: '"a\\"', line: 1, why: /lone \\/ },
];

for (const c of BAD) {
  test(`dictionary error: ${c.name}`, () => {
    assert.throws(
      () => parseDictionary(c.text, 'my.dict'),
      (err: unknown) =>
        err instanceof DictionaryError &&
        err.message.startsWith(`my.dict:${c.line}: `) &&
        c.why.test(err.message) &&
        !err.message.includes('\n'),
    );
  });
}

test('loadDictionary reads bytes exactly and names a missing file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-dict-'));
  const path = join(dir, 'u.dict');
  writeFileSync(
    path,
    Buffer.concat([Buffer.from('"'), Buffer.from('ü', 'utf8'), Buffer.from('"')]),
  );
  assert.deepEqual(loadDictionary(path).map(hex), ['c3bc']);
  assert.throws(() => loadDictionary(join(dir, 'none.dict')), /cannot read dictionary .*ENOENT/);
});
