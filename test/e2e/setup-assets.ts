import { rw } from './helpers.js';

/** Builds (or finds cached) VM assets once before the end-to-end suite, as a learner's `setup` would. */
export default function setup(): void {
  const r = rw(['setup']);
  if (r.status !== 0) throw new Error(`rubber-workshop setup failed:\n${r.stdout}\n${r.stderr}`);
}
