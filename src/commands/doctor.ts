import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../paths.js';
import { loadAssets, resolveInputs, staleSteps, toolUsers } from '../vm/assets.js';
import { chooseAccel } from '../vm/accel.js';
import { findSnapshot, guestToSave } from '../vm/snapshot.js';
import { findWorkspace } from '../workspace.js';
import { progressProblem } from '../progress.js';
import { loadLevels } from '../lessons.js';
import { fixFor, MissingToolError, toolPath, tools, toolsFor, type ToolUser } from '../../rootfs-scripts/host-tools.mjs';
import { paint, useColour } from '../ui/term.js';
import { parseCommand, type Command } from '../cli/args.js';

export const DOCTOR = {
  name: 'doctor',
  synopsis: 'rubber-workshop doctor',
  about: `Checks this machine for everything a check needs (Node, the host tools, the VM assets, KVM, disk
space, the workspace around here), and prints the command that fixes each problem. Exit status: 0 ready,
1 something to fix.

Options:
  -h, --help   show this help
`,
  options: {},
} as const;

type Finding = { ok: true; text: string } | { ok: false; text: string; fix: string; optional?: boolean };

const NEEDED_FREE_MB = 500;

/** `rubber-workshop doctor`: everything a check needs, each problem with the exact command that fixes it. */
export async function doctor(argv: string[]): Promise<number> {
  if (!parseCommand(DOCTOR, argv)) return 0;
  const colour = useColour();
  let problems = 0;
  const report = (f: Finding) => {
    if (f.ok) return console.log(`${paint('green', '✓', colour)} ${f.text}`);
    if (!f.optional) problems++;
    console.log(`${f.optional ? paint('yellow', '!', colour) : paint('red', '✗', colour)} ${f.text}\n    fix: ${f.fix}`);
  };

  const major = Number(process.versions.node.split('.')[0]);
  report(major >= 20 ? { ok: true, text: `Node ${process.version}` } : { ok: false, text: `Node ${process.version} is too old`, fix: 'install Node 20 or newer' });
  // A missing tool is reported with the others below.
  const inputs = await resolveInputs().then((i) => i, (e: Error) => (e instanceof MissingToolError || report({ ok: false, text: e.message.split(':')[0], fix: e.message }), null));
  const assets = loadAssets();
  // Debian's kernel tools only when the kernel is Debian's; the Debian image's only once setup --debian was asked for.
  const kernel: ToolUser[] = inputs ? toolUsers(inputs, ['kernel']) : ['kernel', 'kernel-package'];
  const users: ToolUser[] = ['vm', 'busybox', ...kernel, 'image', 'rootfs', 'debian'];
  for (const name of toolsFor(users)) {
    const tool = tools[name];
    const found = toolPath(name);
    // (Among the uses doctor looks at: mmdebstrap also builds the classroom image, which a learner never does.)
    const onlyDebian = tool.by.filter((b) => users.includes(b)).every((b) => b === 'debian');
    const optional = tool.optional ?? (onlyDebian && !assets?.withDebian ? 'needed only by rubber-workshop setup --debian' : undefined);
    report(found ? { ok: true, text: `${name}: ${found}` }
      : { ok: false, optional: Boolean(optional), text: `${name} is missing (it ${tool.does})${optional ? `: ${optional}` : ''}`, fix: fixFor([name]) });
  }

  if (inputs) {
    report({ ok: true, text: `kernel: ${inputs.kernel.package ? `${inputs.kernel.package} ${inputs.kernel.version}` : inputs.kernel.file}` });
    const stale = staleSteps(assets, inputs);
    report(!assets ? { ok: false, text: 'VM assets are not built', fix: 'rubber-workshop setup' }
      : stale.length ? { ok: false, text: `VM assets are out of date (${stale.join(', ')})`, fix: 'rubber-workshop setup' }
      : { ok: true, text: `VM assets built and current in ${cacheDir()} (digest ${assets.digest.slice(0, 12)})` });
    if (assets && !stale.length) {
      const accel = await chooseAccel(assets);
      report(findSnapshot(assets, accel.accel) ? { ok: true, text: 'a booted VM is saved: checks start in well under a second' }
        : guestToSave(assets, accel.accel) ? { ok: false, optional: true, text: 'no saved booted VM: the next check saves one first (once: ≈ 13 s under emulation)', fix: 'nothing needed, or rubber-workshop setup to do it now' }
        : { ok: false, optional: true, text: `no saved booted VM, and none can be saved here (${process.env.RUBBER_WORKSHOP_SNAPSHOT === '0' ? 'RUBBER_WORKSHOP_SNAPSHOT=0' : `${cacheDir()} is read-only`}): every check boots from scratch (≈ 4 s slower under emulation)`, fix: 'rubber-workshop setup, where the cache folder can be written' });
      report(accel.accel === 'kvm' ? { ok: true, text: `accelerator: KVM — ${accel.why}` }
        : { ok: false, optional: true, text: `accelerator: TCG (slower) — ${accel.why}`, fix: 'nothing needed: checks run under emulation, only slower (a machine with working KVM is faster)' });
    }
  }

  const free = freeMb(cacheDir());
  report(free === null || free >= NEEDED_FREE_MB ? { ok: true, text: `disk: ${free ?? '?'} MB free for ${cacheDir()}` }
    : { ok: false, text: `only ${free} MB free where the VM assets go (${cacheDir()}); they need about ${NEEDED_FREE_MB} MB`, fix: 'free some space, or set RUBBER_WORKSHOP_CACHE to a folder on a bigger disk' });

  const ws = findWorkspace();
  if (ws) report(fs.existsSync(path.join(ws, 'rd.ts')) ? { ok: true, text: `workspace: ${ws}` } : { ok: false, text: `workspace ${ws} has no rd.ts`, fix: 'rubber-workshop init (keeps your files), or reset a level in the workshop' });
  // (Read only: the next check or the workshop sets a bad file aside, and says so.)
  const progress = ws ? progressProblem(ws, loadLevels().map((l) => l.id)) : undefined;
  if (progress) report({ ok: false, text: `your progress file cannot be read (${progress})`, fix: 'the next check or the workshop keeps it aside as progress.json.corrupt-… and starts afresh: fix it there and move it back' });

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

export const command: Command = { spec: DOCTOR, main: doctor };
