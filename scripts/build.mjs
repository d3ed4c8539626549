// Bundles the CLI into dist/; each command's code (and its packages: ink, react, esbuild) is a chunk loaded
// only when that command runs. Dependencies stay in node_modules.
import { build } from 'esbuild';
import fs from 'node:fs';

fs.rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
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
