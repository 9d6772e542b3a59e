// The server in one file: `dist/yingji.mjs`, the whole CLI (src/cli/main.ts) bundled with
// esbuild, which `bin/yingji.js` runs (dist/chunks/ holds what the code loads later). Node then
// reads one file instead of about 800 modules, which made up most of the start-up time
// (README, "Timers"). Part of `npm run build`.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

// Modules the code imports only when first used (import()) stay separate files, loaded then.
rmSync('dist/chunks', { recursive: true, force: true });

await build({
  entryPoints: { yingji: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Left to node_modules: the native SQLite driver (its worker thread resolves it by name);
  // packages loaded only when first used (PostgreSQL, mail, spreadsheets, Word documents),
  // which stay lazy; and the API docs' packages, which read their own files beside their code.
  external: ['better-sqlite3', 'pg', 'nodemailer', 'exceljs', 'docx', '@fastify/swagger', '@fastify/swagger-ui'],
  // Bundled CommonJS packages require Node's built-in modules. (Pino's transports, which run
  // files beside pino's code on a worker, are not available from the bundle; none is used.)
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
