import { packagePath } from '../package.root.js';
import { precompress } from './web.assets.js';

// `node dist/server/web.precompress.js [DIR]`: the last step of `npm run build` (its own
// module, so the server, bundled or not, never runs it by being the main module).
const dir = process.argv[2] ?? packagePath('dist', 'web');
const r = await precompress(dir);
const kb = (n: number) => `${Math.round(n / 1024)} KB`;
process.stdout.write(`precompressed ${r.files} files of ${dir}: ${kb(r.bytes)} → brotli ${kb(r.brotli)}, gzip ${kb(r.gzip)}\n`);
