import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../paths.js';
import { loadAssets, resolveInputs, staleSteps } from '../vm/assets.js';
import { chooseAccel } from '../vm/accel.js';
import { findSnapshot } from '../vm/snapshot.js';
import { qemuBinary } from '../vm/run.js';
import { findWorkspace } from '../workspace.js';
import { which } from '../which.js';
import { paint, useColour } from '../ui/term.js';

type Finding = { ok: true; text: string } | { ok: false; text: string; fix: string; optional?: boolean };

const NEEDED_FREE_MB = 500;

/** `rubber-workshop doctor`: everything a check needs, each problem with the exact command that fixes it. */
export async function doctor(): Promise<number> {
  const colour = useColour();
  let problems = 0;
  const report = (f: Finding) => {
    if (f.ok) return console.log(`${paint('green', '✓', colour)} ${f.text}`);
    if (!f.optional) problems++;
    console.log(`${f.optional ? paint('yellow', '!', colour) : paint('red', '✗', colour)} ${f.text}\n    fix: ${f.fix}`);
  };

  const major = Number(process.versions.node.split('.')[0]);
  report(major >= 20 ? { ok: true, text: `Node ${process.version}` } : { ok: false, text: `Node ${process.version} is too old`, fix: 'install Node 20 or newer' });
  report(which(qemuBinary()) ? { ok: true, text: `QEMU (${qemuBinary()})` } : { ok: false, text: 'QEMU is missing', fix: 'sudo apt-get install qemu-system-x86' });
  report(which('mkfs.erofs') ? { ok: true, text: 'mkfs.erofs' } : { ok: false, text: 'mkfs.erofs is missing (builds the guest root image)', fix: 'sudo apt-get install erofs-utils' });
  report(which('unlz4') ? { ok: true, text: 'unlz4' } : { ok: false, optional: true, text: 'unlz4 is missing: the guest boots ≈0.2 s slower', fix: 'sudo apt-get install lz4, then rubber-workshop setup' });

  const inputs = await resolveInputs().then((i) => i, (e: Error) => (report({ ok: false, text: e.message.split(':')[0], fix: e.message }), null));
  if (inputs) {
    report({ ok: true, text: `kernel: ${inputs.kernel.package ? `${inputs.kernel.package} ${inputs.kernel.version}` : inputs.kernel.file}` });
    report({ ok: true, text: `busybox: ${inputs.busybox.file} (static)` });
    const assets = loadAssets();
    const stale = staleSteps(assets, inputs);
    report(!assets ? { ok: false, text: 'VM assets are not built', fix: 'rubber-workshop setup' }
      : stale.length ? { ok: false, text: `VM assets are out of date (${stale.join(', ')})`, fix: 'rubber-workshop setup' }
      : { ok: true, text: `VM assets built and current in ${cacheDir()} (digest ${assets.digest.slice(0, 12)})` });
    if (assets && !stale.length) {
      const accel = await chooseAccel(assets);
      report(findSnapshot(assets, accel.accel) ? { ok: true, text: 'a booted VM is saved: checks start in well under a second' }
        : { ok: false, optional: true, text: 'no saved booted VM: every check boots from scratch (≈2 s slower)', fix: 'rubber-workshop setup' });
      report(accel.accel === 'kvm' ? { ok: true, text: `accelerator: KVM — ${accel.why}` }
        : { ok: false, optional: true, text: `accelerator: TCG (slower) — ${accel.why}`, fix: 'nothing needed: checks run under emulation, only slower (a machine with working KVM is faster)' });
    }
  }

  const free = freeMb(cacheDir());
  report(free === null || free >= NEEDED_FREE_MB ? { ok: true, text: `disk: ${free ?? '?'} MB free for ${cacheDir()}` }
    : { ok: false, text: `only ${free} MB free where the VM assets go (${cacheDir()}); they need about ${NEEDED_FREE_MB} MB`, fix: 'free some space, or set RUBBER_WORKSHOP_CACHE to a folder on a bigger disk' });

  const ws = findWorkspace();
  if (ws) report(fs.existsSync(path.join(ws, 'rd.ts')) ? { ok: true, text: `workspace: ${ws}` } : { ok: false, text: `workspace ${ws} has no rd.ts`, fix: 'rubber-workshop init (keeps your files), or reset a level in the workshop' });

  console.log(problems ? `\n${problems} problem${problems > 1 ? 's' : ''} to fix.` : '\nReady.');
  return problems ? 1 : 0;
}

function freeMb(dir: string): number | null {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      const s = fs.statfsSync(d);
      return Math.floor((s.bavail * s.bsize) / 1e6);
    } catch {
      if (d === path.dirname(d)) return null;
    }
  }
}
