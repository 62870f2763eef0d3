// The addon's mutate(): the target's own havoc (native/runtime/mutate.c) made in the engine, the one
// mutator every stage of the loop uses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAddon } from '../../../src/engine/native/loader';
import type { MutateRequest } from '../../../src/engine/native/types';

const addon = loadAddon();

function request(extra: Partial<MutateRequest> = {}): MutateRequest {
  return {
    parent: Buffer.from('hello fuzzing world'),
    others: [],
    tokens: [],
    count: 200,
    seed: 7,
    lenLimit: 32,
    maxLen: 64,
    ...extra,
  };
}

test('the same request makes the same mutants, another seed others', () => {
  const a = addon.mutate(request());
  const b = addon.mutate(request());
  const c = addon.mutate(request({ seed: 8 }));
  assert.equal(a.length, 200);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('mutants differ from the parent and each other, and leave the parent alone', () => {
  const parent = Buffer.from('hello fuzzing world');
  const copy = Buffer.from(parent);
  const out = addon.mutate(request({ parent }));
  assert.deepEqual(parent, copy);
  const distinct = new Set(out.map((m) => m.toString('hex')));
  assert.ok(distinct.size > 150, `only ${distinct.size} distinct mutants of 200`);
  assert.ok(out.filter((m) => m.equals(parent)).length < 10);
});

test('no mutant is longer than max(parent, lenLimit) nor than maxLen; a long parent is cut', () => {
  for (const m of addon.mutate(request({ count: 2000, lenLimit: 24 })))
    assert.ok(m.length <= 24, `mutant of ${m.length} bytes past the 24-byte limit`);
  const long = Buffer.alloc(500, 0x41);
  for (const m of addon.mutate(request({ parent: long, count: 500, maxLen: 100 })))
    assert.ok(m.length <= 100 && m.length >= 1, `mutant of ${m.length} bytes, cap 100`);
});

test('an empty parent still mutates into something', () => {
  const out = addon.mutate(request({ parent: Buffer.alloc(0) }));
  assert.ok(out.some((m) => m.length > 0));
});

test('dictionary tokens and parts of other inputs show up in mutants', () => {
  const token = Buffer.from('MAGIC_TOKEN');
  const other = Buffer.from('zzzzOTHERPARTzzzz');
  const out = addon.mutate(request({ tokens: [token], others: [other], count: 2000 }));
  assert.ok(
    out.some((m) => m.includes(token)),
    'no mutant holds the token',
  );
  assert.ok(
    out.some((m) => m.includes(Buffer.from('OTHER'))),
    'no mutant holds a part of other',
  );
});
