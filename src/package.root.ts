import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder the product is installed in: the nearest folder above this module whose
 * package.json is Yingji's. The shipped files (plans/, scenarios/, dist/web/) are found from
 * here, so the same code works from the TypeScript sources (tests), from the compiled modules
 * (dist/…) and from the one-file server bundle (dist/yingji.mjs), whatever its depth.
 */
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the installed product. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'yingji') return dir;
    if (dirname(dir) === dir) throw new Error(`yingji: no package.json of yingji above ${from}`);
  }
}
