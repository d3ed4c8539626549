import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';

/** The package root: both src/*.ts (tests) and dist/cli.js (bundle) sit one level below it. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const lessonsDir = path.join(packageRoot, 'lessons');
export const checkersDir = path.join(packageRoot, 'checkers');
export const vmDir = path.join(packageRoot, 'vm');
export const rootfsScriptsDir = path.join(packageRoot, 'rootfs-scripts');

/** Where VM assets are built: $RUBBER_WORKSHOP_CACHE, else $XDG_CACHE_HOME/rubber-workshop, else ~/.cache/rubber-workshop. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUBBER_WORKSHOP_CACHE) return path.resolve(env.RUBBER_WORKSHOP_CACHE);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'rubber-workshop');
}
