import { guestFilesChanged, loadAssets, SetupError, type Assets } from './assets.js';
import { chooseAccel, type AccelChoice } from './accel.js';
import { requireTools } from '../../rootfs-scripts/host-tools.mjs';

/** The assets and accelerator for a run, or an error saying which command fixes what is missing. */
export async function requireVm(): Promise<{ assets: Assets; accel: AccelChoice }> {
  requireTools(['vm']);
  const assets = loadAssets();
  if (!assets) throw new SetupError('the VM assets are not built yet: run rubber-workshop setup');
  if (guestFilesChanged(assets)) throw new SetupError('the VM assets are older than this version of rubber-workshop: run rubber-workshop setup');
  return { assets, accel: await chooseAccel(assets) };
}
