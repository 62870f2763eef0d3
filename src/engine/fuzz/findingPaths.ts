// Which files a findings store may touch: only the names it gives, inside its own folder.
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The artifact prefix cut where libFuzzer cuts it: `out/x-` is folder `out/`, stem `x-`. */
export function splitPrefix(prefix: string): { head: string; stem: string } {
  const cut = prefix.lastIndexOf('/') + 1;
  return { head: prefix.slice(0, cut), stem: prefix.slice(cut) };
}

/** The folder an artifact prefix writes into ('.' for a bare stem). */
export function findingsFolder(prefix: string): string {
  return splitPrefix(prefix).head || '.';
}

const INPUT_NAME = /^(?:crash|leak|timeout|oom)-[0-9a-f]{40}$/;

/** Whether `name` is one the store gives an input under `stem`: `<stem>crash-<sha1>`, ... */
export function isFindingName(name: string, stem: string): boolean {
  return name.startsWith(stem) && INPUT_NAME.test(name.slice(stem.length));
}

/** A path the store refuses to write or remove: a bug, since loading already skips such records. */
export class FindingPathError extends Error {}

/**
 * `artifact` itself when it is a finding's input as this store writes it (a store name, in the
 * prefix's folder); throws otherwise. Every write and removal goes through here, so a record
 * whose path came from a JSON file can never reach a file the store did not name.
 */
export function checkedFindingPath(prefix: string, artifact: string): string {
  const { stem } = splitPrefix(prefix);
  if (
    !isFindingName(basename(artifact), stem) ||
    resolve(dirname(artifact)) !== resolve(findingsFolder(prefix))
  ) {
    throw new FindingPathError(
      `refusing to touch ${artifact}: not a finding in ${findingsFolder(prefix)}`,
    );
  }
  return artifact;
}

/** Whether `path` lies inside `folder` (both already real paths). */
export function isInside(folder: string, path: string): boolean {
  const r = relative(folder, path);
  return r !== '' && !isAbsolute(r) && r.split(sep)[0] !== '..';
}

/** The real path of a file when it exists (realpathSync in use; a table in tests). */
export type RealPath = (path: string) => string | undefined;

/**
 * Why the finding JSON `<folder>/<name>.json` cannot be loaded as describing the input
 * `<folder>/<name>`, or undefined when it can. Its `artifact` field must be that input: the bare
 * name (as written now), or an older version's path that leads to that very file. Anything else
 * (`../x`, an absolute path elsewhere, another file's name) points outside what the store owns,
 * and a link out of the folder would let a later read or minimize reach a file elsewhere.
 */
export function storedArtifactProblem(
  stored: string,
  folder: string,
  name: string,
  real: RealPath,
): string | undefined {
  const folderReal = real(folder);
  if (folderReal === undefined) return `the findings folder ${folder} is gone`;
  const file = join(folder, name);
  const fileReal = real(file);
  if (fileReal === undefined) return `its input ${file} is missing`;
  if (!isInside(folderReal, fileReal)) {
    return `its input ${file} is a link to ${fileReal}, outside ${folder}`;
  }
  if (stored === name) return undefined;
  if (stored === '' || stored.includes('\0') || real(stored) !== fileReal) {
    return `its artifact ${JSON.stringify(stored)} is not ${file}; a finding may only name its own input`;
  }
  return undefined;
}
