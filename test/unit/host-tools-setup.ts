import { requireTools } from '../../rootfs-scripts/host-tools.mjs';

/** The suite runs every test: a missing tool stops it at once with the command that installs it, not as failures. */
export default function setup(): void {
  requireTools(['test']);
}
