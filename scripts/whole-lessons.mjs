// The lessons' files whole (stub.ts, solution.ts, wrong/NAME.ts per level), as the level chain makes them
// (`rubber-workshop dev lessons export`, after npm run build), for scripts that need whole runtimes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Level id → its folder of whole files, in a temporary folder removed when the process exits. */
export function wholeLessons() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-lessons-'));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  execFileSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'dev', 'lessons', 'export', root], { stdio: 'ignore' });
  return Object.fromEntries(fs.readdirSync(root).map((d) => [d.slice(0, 2), path.join(root, d)]));
}
