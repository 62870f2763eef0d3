// The runtime archive exports few, prefixed symbols and defines no weak sanitizer symbols.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtureTarget } from '../../helpers/build';
import { repoRoot } from '../../helpers/paths';

const ARCHIVE = join(repoRoot, 'out', 'native', 'libfuzzwb_rt.a');

/** Global symbols the runtime defines: `name type` pairs from nm. */
function definedGlobals(): { name: string; type: string }[] {
  const out = execFileSync('llvm-nm-19', ['--defined-only', '--extern-only', ARCHIVE], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 3)
    .map(([, type, name]) => ({ name: name ?? '', type: type ?? '' }));
}

const ALLOWED = [/^main$/, /^__sanitizer_cov_/, /^__sanitizer_weak_hook_/, /^fuzzwb_/, /^fwb_/];

test('every exported name is a sanitizer callback, main, or carries our prefix', () => {
  const syms = definedGlobals();
  assert.ok(syms.length > 10, 'nm read the archive');
  const stray = syms.filter((s) => !ALLOWED.some((re) => re.test(s.name)));
  assert.deepEqual(stray, []);
  for (const cb of [
    '__sanitizer_cov_trace_pc_guard',
    '__sanitizer_cov_trace_pc_guard_init',
    '__sanitizer_cov_pcs_init',
    '__sanitizer_cov_trace_pc',
    '__sanitizer_cov_trace_cmp4',
  ]) {
    assert.ok(
      syms.some((s) => s.name === cb),
      `${cb} is defined`,
    );
  }
});

test('no weak definitions of sanitizer symbols', () => {
  const weak = definedGlobals().filter((s) => /^[WwVv]$/.test(s.type) && s.name.startsWith('__'));
  assert.deepEqual(weak, []);
});

test("internal fwb_ helpers stay out of a target's dynamic symbol table", () => {
  const target = buildFixtureTarget(['behaviours.c'], {
    sanitizers: 'none',
    name: 'symbols-check',
  });
  const dyn = execFileSync('llvm-nm-19', ['-D', '--defined-only', target], { encoding: 'utf8' });
  assert.match(dyn, /__sanitizer_cov_trace_pc_guard\b/, 'callbacks are exported for dlopen');
  assert.doesNotMatch(dyn, /\bfwb_/);
});
