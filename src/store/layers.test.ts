import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../', import.meta.url));

/**
 * What only the store may write: starting a query (Kysely's builders), running one, raw SQL
 * (`sql` templates and helpers). A transaction boundary (`db.transaction().execute(fn)`) is
 * not SQL: the code that owns a unit of work opens it and hands `trx` to repositories.
 */
const SQL_LINE = [
  /\.(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)\s*\(/,
  /\.(execute|executeTakeFirst|executeTakeFirstOrThrow)\s*\(\s*\)/,
  /\bsql\s*(<[^>]*>)?\s*`/,
  /\bsql\.(raw|ref|lit|id|join|table|val|value)\s*\(/,
];

/** Imports of Kysely values (`sql`, `Kysely`, helpers); imports of its types alone are fine anywhere. */
const KYSELY_IMPORT = /import\s+(?!type\s)([^;]*?)\s+from\s+['"]kysely['"]/gs;

/** The lines of one source file that hold SQL, as `file:line: text`. */
function sqlLines(file: string, source: string): string[] {
  const found: string[] = [];
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const code = line.trim();
    if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
    if (SQL_LINE.some((p) => p.test(code))) found.push(`${file}:${i + 1}: ${code}`);
  });
  for (const m of source.matchAll(KYSELY_IMPORT)) {
    const names = (m[1] ?? '').replace(/[{}]/g, '').split(',').map((n) => n.trim()).filter(Boolean);
    if (names.some((n) => !n.startsWith('type '))) {
      const line = source.slice(0, m.index).split('\n').length;
      found.push(`${file}:${line}: ${lines[line - 1]!.trim()}`);
    }
  }
  return found;
}

/** Every non-test TypeScript file under `src/` outside `src/store/`, relative to `src/`. */
function filesOutsideStore(): string[] {
  return (readdirSync(SRC, { recursive: true }) as string[])
    .map((f) => f.split('\\').join('/'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('store/') && !f.includes('/test-support/'));
}

describe('layers', () => {
  it('keeps every SQL query in src/store: the rest of the code calls repositories', () => {
    const files = filesOutsideStore();
    expect(files).toContain('server/routes/notify.routes.ts');
    const found = files.flatMap((f) => sqlLines(`src/${f}`, readFileSync(join(SRC, f), 'utf8')));
    expect(found, `SQL outside src/store (move it into a repository there):\n${found.join('\n')}`).toEqual([]);
  });

  it('recognizes query builders, raw SQL and Kysely value imports, but not transactions, types or comments', () => {
    const source = [
      "import type { Kysely, Selectable } from 'kysely';",
      "import { type Kysely, sql } from 'kysely';",
      'const row = await db',
      "  .selectFrom('users')",
      '  .executeTakeFirst();',
      "await trx.insertInto('outbox').values(rows).execute();",
      "await db.updateTable('ack_links').set({ used_at: now });",
      "await trx.deleteFrom('timers');",
      'await sql`select 1`.execute(trx);',
      'const n = sql<number>`count(*)`;',
      "const column = sql.ref('seq');",
      'await db.transaction().execute(async (trx) => repository.save(trx, row));',
      "// a comment may name .selectFrom('users')",
      ' * and so may a doc comment: sql`select 1`',
    ].join('\n');
    expect(sqlLines('x.ts', source).map((l) => l.split(':')[1])).toEqual(['4', '5', '6', '7', '8', '9', '10', '11', '2']);
  });
});
