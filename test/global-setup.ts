import { execFileSync } from 'node:child_process';

/** Builds the CLI once before the tests, so `bin/yingji.js` runs the code under test. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
