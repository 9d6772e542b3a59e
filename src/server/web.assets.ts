import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * How the built web UI travels over a slow county network: compressed once at build time
 * (`.br` and `.gz` beside each file, served by @fastify/static's `preCompressed`), hashed files
 * cached for a year, everything else revalidated on every load so a new deploy is picked up.
 */

/** Vite's output under `assets/` is named `<name>-<hash>.<ext>`: that name never changes content. */
const HASHED = /(?:^|[\\/])assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(?:\.br|\.gz)?$/i;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Kept, but asked again (a 304 when unchanged) before each use: index.html names the current hashes. */
export const REVALIDATE = 'no-cache';

/** The Cache-Control header for a file of the web UI (the path on disk, possibly its `.br`/`.gz`). */
export function cacheControl(path: string): string {
  return HASHED.test(path) ? IMMUTABLE : REVALIDATE;
}

/** Text that compresses; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|xml|map|wasm)$/i;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export interface PrecompressResult {
  files: number;
  bytes: number;
  brotli: number;
  gzip: number;
}

/**
 * Writes `FILE.br` (brotli, quality 11) and `FILE.gz` (gzip, level 9) beside each compressible
 * file of `dir` of at least `minBytes`, when smaller than the file. Run after `vite build`.
 */
export async function precompress(dir: string, minBytes = 512): Promise<PrecompressResult> {
  const result: PrecompressResult = { files: 0, bytes: 0, brotli: 0, gzip: 0 };
  const entries = await readdir(dir, { recursive: true });
  await Promise.all(
    entries
      .filter((name) => COMPRESSIBLE.test(name))
      .map(async (name) => {
        const path = join(dir, name);
        if (!(await stat(path)).isFile()) return;
        const body = await readFile(path);
        if (body.length < minBytes) return;
        const [br, gzipped] = await Promise.all([
          brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
          gz(body, { level: 9 }),
        ]);
        result.files++;
        result.bytes += body.length;
        if (br.length < body.length) {
          await writeFile(`${path}.br`, br);
          result.brotli += br.length;
        }
        if (gzipped.length < body.length) {
          await writeFile(`${path}.gz`, gzipped);
          result.gzip += gzipped.length;
        }
      }),
  );
  return result;
}
