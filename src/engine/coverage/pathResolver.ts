// Maps the file names debug info gives to workspace files: relative names, moved trees, symlinks.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';

/** The file-system questions path resolution asks; tests pass a fake. */
export interface PathFs {
  isFile(path: string): boolean;
  realpath(path: string): string;
}

export const nodePathFs: PathFs = {
  isFile: (p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true,
  realpath: (p) => realpathSync(p),
};

export interface Resolved {
  /** The real path of the workspace file, or the name as debug info gave it when unresolved. */
  path: string;
  resolved: boolean;
}

/**
 * Resolves debug-info file names against a list of roots, memoized. llvm-symbolizer joins names
 * with DW_AT_comp_dir when it can, so most names are absolute; relative ones (no comp_dir) are
 * tried against each root. A name that does not exist where the build saw it (the tree was built
 * elsewhere, or out of tree in a directory that is gone) is tried by its trailing components under
 * each root, longest first, so `/build/pkg/src/a.c` finds `<root>/src/a.c`.
 */
export class PathResolver {
  private readonly memo = new Map<string, Resolved>();

  constructor(
    private readonly roots: readonly string[],
    private readonly fs: PathFs = nodePathFs,
  ) {}

  resolve(name: string): Resolved {
    let r = this.memo.get(name);
    if (r === undefined) {
      r = this.lookup(name);
      this.memo.set(name, r);
    }
    return r;
  }

  /** Names that did not resolve, sorted. */
  unresolved(): string[] {
    return [...this.memo.entries()]
      .filter(([, r]) => !r.resolved)
      .map(([n]) => n)
      .sort();
  }

  private lookup(name: string): Resolved {
    const clean = normalize(name);
    const candidates: string[] = [];
    if (isAbsolute(clean)) candidates.push(clean);
    else for (const root of this.roots) candidates.push(join(root, clean));
    const parts = clean.split(sep).filter((p) => p !== '' && p !== '.' && p !== '..');
    for (let drop = 1; drop < parts.length; drop++) {
      const tail = parts.slice(drop).join(sep);
      for (const root of this.roots) candidates.push(join(root, tail));
    }
    for (const c of candidates) {
      if (!this.fs.isFile(c)) continue;
      try {
        return { path: this.fs.realpath(c), resolved: true };
      } catch {
        // a dangling symlink: keep looking
      }
    }
    return { path: clean, resolved: false };
  }
}
