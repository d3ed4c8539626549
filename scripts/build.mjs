// Bundles the CLI into dist/cli.js; dependencies stay in node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  jsx: 'automatic',
  logLevel: 'warning',
});
