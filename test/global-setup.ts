import { execFileSync } from 'node:child_process';

/**
 * Builds the CLI and the web UI once before the tests, so `bin/yingji.js` serves the code under
 * test. `YINGJI_SKIP_BUILD=1` skips it when only in-process tests run and `dist/` is current.
 */
export default function setup(): void {
  if (process.env.YINGJI_SKIP_BUILD === '1') return;
  // Vitest sets NODE_ENV=test; the web UI must be built as for production.
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
