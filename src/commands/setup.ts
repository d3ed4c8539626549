import path from 'node:path';
import { buildAssets, loadAssets, pruneCache, resolveInputs, staleSteps, toolUsers, type Step } from '../vm/assets.js';
import { requireTools } from '../../rootfs-scripts/host-tools.mjs';
import { chooseAccel } from '../vm/accel.js';
import { buildSnapshot, findSnapshot } from '../vm/snapshot.js';
import { paint, Status } from '../ui/term.js';
import { saved, SAVING } from './saved-guest.js';
import { parseCommand, type Command } from '../cli/args.js';

const stepNames: Record<Step, string> = {
  kernel: 'kernel and modules (Debian cloud kernel)',
  image: 'container image busybox.tar',
  debian: 'container image debian.tar (mmdebstrap, a minute or two)',
  rootfs: 'guest root filesystem (busybox, node, koffi)',
  initramfs: 'initramfs',
};

export const SETUP = {
  name: 'setup',
  synopsis: 'rubber-workshop setup [--debian]',
  about: `Builds the VM assets into the cache (RUBBER_WORKSHOP_CACHE, default ~/.cache/rubber-workshop): the
kernel, the guest's root file system and the container images; finds out whether KVM can run the guest;
and saves a booted guest, so that every check starts in well under a second. Steps whose inputs did not
change are kept.

Options:
  --debian     also build the bigger Debian image (mmdebstrap; not as root, it needs subordinate ids)
  -h, --help   show this help
`,
  options: { debian: { type: 'boolean', default: false } },
} as const;

/**
 * `rubber-workshop setup [--debian]`: builds the VM assets into the cache, finds out whether KVM can be used,
 * and saves a booted guest for fast starts. --debian adds the bigger Debian image (mmdebstrap, without root).
 */
export async function setup(argv: string[]): Promise<number> {
  const parsed = parseCommand(SETUP, argv);
  if (!parsed) return 0;
  const status = new Status();
  status.start('looking up the kernel, busybox and node to build from');
  const inputs = await resolveInputs(process.env, { debian: parsed.values.debian });
  status.stop();
  // Every missing tool at once, before minutes of building: QEMU boots the guest that setup saves at the end.
  requireTools(['vm', ...toolUsers(inputs, staleSteps(loadAssets(), inputs))]);
  const started = new Map<Step, number>();
  const assets = await buildAssets(inputs, (step, state) => {
    if (state === 'building') {
      started.set(step, Date.now());
      status.start(`building ${stepNames[step]}`);
    } else {
      const took = state === 'built' ? ` (${((Date.now() - started.get(step)!) / 1000).toFixed(1)} s)` : ' (cached)';
      status.done(`${paint('green', '✓')} ${stepNames[step]}${took}`);
    }
  });
  status.start('checking whether KVM can run the guest');
  const accel = await chooseAccel(assets);
  status.done(`${paint('green', '✓')} accelerator: ${accel.accel} — ${accel.why}`);
  let snapshot = findSnapshot(assets, accel.accel);
  if (snapshot) status.done(`${paint('green', '✓')} booted VM saved for fast starts (cached)`);
  else {
    const t = Date.now();
    status.start(SAVING);
    snapshot = await buildSnapshot(assets, accel.accel);
    status.done(saved(Date.now() - t));
  }
  const removed = pruneCache([path.dirname(assets.kernel), assets.images, assets.debian ?? '', assets.rootfs, assets.initramfs, snapshot].filter(Boolean));
  if (removed.length) status.done(`${paint('green', '✓')} removed ${removed.length} outdated file${removed.length > 1 ? 's' : ''} from the cache`);
  console.log(`VM assets ready (digest ${assets.digest.slice(0, 12)}). Try: rubber-workshop vm exec -- uname -a`);
  return 0;
}

export const command: Command = { spec: SETUP, main: setup };
