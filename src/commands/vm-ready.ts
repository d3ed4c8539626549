import { guestFilesChanged, loadAssets, SetupError, type Assets } from '../vm/assets.js';
import { chooseAccel, type AccelChoice } from '../vm/accel.js';
import { qemuBinary } from '../vm/run.js';
import { which } from '../which.js';

/** The assets and accelerator for a run, or a SetupError saying which command fixes what is missing. */
export async function requireVm(): Promise<{ assets: Assets; accel: AccelChoice }> {
  if (!which(qemuBinary())) throw new SetupError('QEMU is not installed: run sudo apt-get install qemu-system-x86');
  const assets = loadAssets();
  if (!assets) throw new SetupError('the VM assets are not built yet: run rubber-workshop setup');
  if (guestFilesChanged(assets)) throw new SetupError('the VM assets are older than this version of rubber-workshop: run rubber-workshop setup');
  return { assets, accel: await chooseAccel(assets) };
}
