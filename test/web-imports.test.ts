import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The web reaches the server's code through the shared API module only (`src/api`): request
 * schemas' types, response and event types, and the pure helpers it re-exports. Anything else
 * under `src/` is a server internal, and may bring node built-ins or the database into the bundle.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'web', 'src');
const SERVER = join(ROOT, 'src');
const API = join(SERVER, 'api');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return /\.tsx?$/.test(d.name) ? [path] : [];
  });
}

/** `from '…'`, `import '…'` and `import('…')`, with the line each is on. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

/** Every import of a web file that leads into `src/` but not into `src/api`, as `file:line → specifier`. */
function serverReaches(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const [, spec] of line.matchAll(SPECIFIER)) {
          if (!spec!.startsWith('.')) continue;
          const target = resolve(dirname(file), spec!);
          const intoServer = target === SERVER || target.startsWith(SERVER + sep);
          const intoApi = target === API || target.startsWith(API + sep);
          if (intoServer && !intoApi) out.push(`${relative(ROOT, file)}:${i + 1} → ${spec}`);
        }
      });
  }
  return out;
}

/**
 * Every value (not `import type`) the web takes from a file of `src/api` that builds zod schemas,
 * as `file:line → specifier`: it would bring zod and the schemas into the bundle.
 */
function schemaValues(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*(import|export) type\b/.test(line)) return;
        for (const [, spec] of line.matchAll(SPECIFIER)) {
          const target = resolve(dirname(file), spec!);
          if (!target.startsWith(API)) continue;
          const source = readFileSync(target === API ? join(API, 'index.ts') : `${target}.ts`, 'utf8');
          if (/from 'zod'/.test(source)) out.push(`${relative(ROOT, file)}:${i + 1} → ${spec}`);
        }
      });
  }
  return out;
}

describe('web imports', () => {
  it('reach into src/ only through src/api', () => {
    expect(serverReaches(sources(WEB))).toEqual([]);
  });

  it('take only types from the files of src/api that build schemas', () => {
    expect(schemaValues(sources(WEB))).toEqual([]);
  });
});
