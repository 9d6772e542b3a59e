import { execFileSync } from 'node:child_process';

/** Builds the CLI and the web UI once before the tests, so `bin/yingji.js` serves the code under test. */
export default function setup(): void {
  // Vitest sets NODE_ENV=test; the web UI must be built as for production.
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
