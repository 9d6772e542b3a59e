#!/usr/bin/env node
// Runs the CLI as built by `npm run build` (also run by `npm ci` through the `prepare` script):
// the one-file bundle dist/yingji.mjs, which starts in a fraction of the time the ~800 compiled
// modules take; the compiled modules (dist/cli/main.js) when they are newer, i.e. only `tsc`
// was run since the bundle was made, so a stale bundle never runs.
import { statSync } from 'node:fs';

const bundle = new URL('../dist/yingji.mjs', import.meta.url);
const modules = new URL('../dist/cli/main.js', import.meta.url);
const built = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
await import((built(bundle) >= built(modules) ? bundle : modules).href);
