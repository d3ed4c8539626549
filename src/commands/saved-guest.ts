import { requireVm } from '../vm/ready.js';
import { guestToSave, saveGuest } from '../vm/snapshot.js';
import { paint, Status } from '../ui/term.js';

export const SAVING = 'booting a VM once and saving it, so that every check starts from a booted guest';
export const saved = (ms: number) => `${paint('green', '✓')} booted VM saved for fast starts (${(ms / 1000).toFixed(1)} s)`;
/** The line after a save the commands made on their own (not setup, which fails instead). */
export const savedOrNot = (ok: boolean, ms: number) => (ok ? saved(ms)
  : paint('dim', 'could not save a booted VM: runs boot from scratch (rubber-workshop setup says why)', false));

/**
 * requireVm for the commands that start VMs from a terminal (vm exec, shell, rd run, grade): a saved guest
 * missing since setup (QEMU updated, a new rubber-workshop, a saved guest that would not load) is made first,
 * with a line on stderr, rather than every run booting from scratch.
 */
export async function requireSavedVm(): Promise<Awaited<ReturnType<typeof requireVm>>> {
  const vm = await requireVm();
  if (guestToSave(vm.assets, vm.accel.accel)) {
    const status = new Status();
    const t = Date.now();
    status.start(SAVING);
    status.done(savedOrNot(await saveGuest(vm.assets, vm.accel.accel), Date.now() - t));
  }
  return vm;
}
