// Bundles the CLI into dist/; each command's code (and its packages: ink, react, esbuild) is a chunk loaded
// only when that command runs. Dependencies stay in node_modules. `node scripts/build.mjs [OUTDIR]` (default dist;
// the bundle finds lessons/ and the rest one folder up from OUTDIR).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const outdir = process.argv[2] ?? 'dist';
fs.rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  jsx: 'automatic',
  logLevel: 'warning',
});
// A new file is not executable, and `npm install -g .` links the command to this one rather than copying it:
// without this, every rebuild would leave `rubber-workshop` failing with "Permission denied".
fs.chmodSync(path.join(outdir, 'cli.js'), 0o755);
