import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

// Built one folder below the package root, as dist/ is, so that the bundle finds lessons/ as the real one does.
const outdir = path.join(packageRoot, `.build-test-${process.pid}`);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

it('npm run build leaves cli.js executable, so the command npm install -g linked to it still runs', () => {
  execFileSync(process.execPath, ['scripts/build.mjs', outdir], { cwd: packageRoot });
  const cli = path.join(outdir, 'cli.js');
  expect(fs.statSync(cli).mode & 0o777).toBe(0o755);
  // Run as the shell runs the installed command: the file itself, through its #! line.
  const help = spawnSync(cli, ['dev', 'check', '--help'], { encoding: 'utf8' });
  expect([help.status, help.stderr]).toEqual([0, '']);
  expect(help.stdout).toMatch(/^Usage: rubber-workshop dev check /);
  const bad = spawnSync(cli, ['vm', 'exec', '--bogus'], { encoding: 'utf8' });
  expect([bad.status, bad.stdout]).toEqual([2, '']);
  expect(bad.stderr).toMatch(/^rubber-workshop vm exec: unknown option --bogus\nUsage: /);
}, 120_000);
