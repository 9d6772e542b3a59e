#!/usr/bin/env node
// Runs the CLI as built by `npm run build` (also run by `npm ci` through the `prepare` script):
// the one-file bundle dist/yingji.mjs, which starts in a fraction of the time the ~800 compiled
// modules take; the compiled modules (dist/cli/main.js) when only `tsc` was run.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/yingji.mjs', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../dist/cli/main.js');
