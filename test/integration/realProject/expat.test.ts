// A real library: Debian's expat, built by its own CMake through fuzzwb build, fuzzed with its
// in-tree harness; the fuzzer runs, covers expat's own sources and exits cleanly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLcovLines } from '../../../src/engine/coverage/lcov';
import { expatProject } from '../../helpers/expatProject';
import { fuzzwbBin } from '../../helpers/fuzzCli';

const SEEDS = [
  '<?xml version="1.0"?><doc a="1"><e>text</e><!-- c --></doc>',
  '<!DOCTYPE d [<!ENTITY e "x">]><d>&e;&amp;&#65;</d>',
  '<a xmlns="urn:x"><![CDATA[raw]]><?pi data?></a>',
];

test('expat: built with its own CMake, fuzzed, its sources covered', { timeout: 480_000 }, () => {
  const project = expatProject();
  const work = mkdtempSync(join(tmpdir(), 'fwb-expat-'));
  const corpus = join(work, 'corpus');
  const findings = join(work, 'findings');
  mkdirSync(corpus);
  mkdirSync(findings);
  SEEDS.forEach((s, i) => writeFileSync(join(corpus, `seed${i}`), s));

  const fuzz = spawnSync(
    fuzzwbBin,
    [
      'fuzz',
      project.binary,
      corpus,
      '-max_total_time=20',
      '-seed=7',
      `-artifact_prefix=${findings}/`,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(fuzz.status, 0, `fuzz exited ${fuzz.status}: ${fuzz.stderr.slice(-3000)}`);
  const execs = Number(/stat::number_of_executed_units:\s*(\d+)/.exec(fuzz.stderr)?.[1] ?? 0);
  assert.ok(execs > 500, `it ran (${execs} executions)`);

  const lcovPath = join(work, 'expat.lcov');
  const cov = spawnSync(fuzzwbBin, ['cov', project.binary, corpus, `-lcov=${lcovPath}`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(cov.status, 0, cov.stderr.slice(-2000));
  const lines = parseLcovLines(readFileSync(lcovPath, 'utf8'));
  const hit = (file: string): number =>
    [...(lines.get(join(project.sourceDir, 'lib', file))?.values() ?? [])].filter(Boolean).length;
  const counts = {
    'xmlparse.c': hit('xmlparse.c'),
    'xmltok.c': hit('xmltok.c'),
    'xmltok_impl.c': hit('xmltok_impl.c'),
    'xmlrole.c': hit('xmlrole.c'),
  };
  process.stdout.write(
    `# expat: ${execs} execs in 20 s; covered lines ${JSON.stringify(counts)}\n`,
  );
  // About half of what a 20 s run reaches here (xmlparse 251, xmltok 67, xmlrole 45 measured):
  // the point is that expat's own files, not just the harness, show coverage.
  assert.ok(counts['xmlparse.c'] > 120, `xmlparse.c covered (${counts['xmlparse.c']} lines)`);
  assert.ok(counts['xmltok.c'] + counts['xmltok_impl.c'] > 40, 'the tokenizer covered');
  assert.ok(counts['xmlrole.c'] > 20, `xmlrole.c covered (${counts['xmlrole.c']} lines)`);
});
