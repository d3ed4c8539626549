import { requireTools } from '../../rootfs-scripts/host-tools.mjs';
import { rw } from './helpers.js';

/**
 * Finds the tools the suite runs (or says how to install them), then builds (or finds cached) VM assets once
 * before the end-to-end suite, as a learner's `setup` would.
 */
export default function setup(): void {
  requireTools(['test', 'debian']);
  const r = rw(['setup']);
  if (r.status !== 0) throw new Error(`rubber-workshop setup failed:\n${r.stdout}\n${r.stderr}`);
}
