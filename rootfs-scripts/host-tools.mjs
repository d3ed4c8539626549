// Every program rubber-workshop runs on the host, and the Debian package that installs it. doctor, setup, the
// VM runner and the rootfs scripts check tools through this one table, and a unit test holds README's install
// lines to it (test/unit/readme-commands.test.ts): adding a tool is adding one line here.
// Plain JavaScript, because the rootfs scripts run under node without a TypeScript build.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from './user-error.mjs';

/**
 * command: { pkg: its Debian package, does: what it is for (said when it is missing), by: who runs it,
 *   optional?: what is lost without it, env?: a variable that names another binary to use,
 *   base?: on every Debian and Ubuntu system (priority required), so README's install lines leave it out }
 * by: 'vm' (every VM run); 'busybox' (setup, before any step: every step copies it); a setup step: 'kernel',
 * 'kernel-package' (when the kernel is Debian's package), 'image', 'debian', 'rootfs'; 'image-add' (rubber-workshop
 * image add); 'test' (the test suite);
 * 'image-test' (npm run test:image, the classroom image's build and test).
 */
export const tools = {
  'qemu-system-x86_64': { pkg: 'qemu-system-x86', by: ['vm'], does: 'runs the VM', env: 'RUBBER_WORKSHOP_QEMU' },
  busybox: { pkg: 'busybox-static', by: ['busybox'], does: 'gives the guest and its images their shell and tools', env: 'RUBBER_WORKSHOP_BUSYBOX' },
  'apt-get': { pkg: 'apt', base: true, by: ['kernel-package'], does: "downloads Debian's cloud kernel" },
  'dpkg-deb': { pkg: 'dpkg', base: true, by: ['kernel-package'], does: 'unpacks the kernel package' },
  unlz4: { pkg: 'lz4', by: ['kernel'], does: 'unpacks the kernel', optional: 'the guest boots ≈0.2 s slower' },
  tar: { pkg: 'tar', base: true, by: ['image', 'debian'], does: 'packs the container images' },
  ldd: { pkg: 'libc-bin', base: true, by: ['rootfs'], does: "finds node's libraries for the guest" },
  'mkfs.erofs': { pkg: 'erofs-utils', by: ['rootfs', 'image-add'], does: 'builds the guest root image and its disk of added images' },
  xz: { pkg: 'xz-utils', by: ['image-add'], does: 'unpacks .tar.xz images', optional: '.tar.xz images cannot be added' },
  zstd: { pkg: 'zstd', by: ['image-add'], does: 'unpacks zstd-compressed image layers', optional: 'images with zstd layers cannot be added' },
  unshare: { pkg: 'util-linux', base: true, by: ['rootfs'], does: "builds the guest's sandbox (copied into the guest)" },
  nsenter: { pkg: 'util-linux', base: true, by: ['rootfs'], does: "enters the guest's sandbox (copied into the guest)" },
  setpriv: { pkg: 'util-linux', base: true, by: ['rootfs'], does: "gives the guest's sandbox its ids (copied into the guest)" },
  cpio: { pkg: 'cpio', by: ['test'], does: "reads back the cpio archives rubber-workshop writes" },
  xmllint: { pkg: 'libxml2-utils', by: ['test'], does: 'validates JUnit reports against their schema' },
  tmux: { pkg: 'tmux', by: ['test'], does: 'drives the workshop view in a real terminal' },
  git: { pkg: 'git', by: ['test'], does: 'makes the git clones that grading reads' },
  pgrep: { pkg: 'procps', by: ['test'], does: 'finds VMs left behind' },
  mmdebstrap: { pkg: 'mmdebstrap', by: ['debian', 'image-test'], does: "builds the Debian image and the classroom image's Debian root, without root" },
  buildah: { pkg: 'buildah', by: ['image-test', 'test'], does: 'turns that root into the classroom image (and, in the tests, builds an image a learner adds)' },
  podman: { pkg: 'podman', by: ['image-test', 'test'], does: 'runs the classroom image as a cluster would (and, in the tests, saves an image a learner adds)' },
  runc: { pkg: 'runc', by: ['image-test'], does: "podman's container runtime here (crun fails on this host's cgroups)" },
  rg: { pkg: 'ripgrep', by: ['image-test'], does: "code-server's search, linked into the image" },
  chromium: { pkg: 'chromium', by: ['image-test'], does: 'loads the IDE and the class report as a browser would' },
};

const isRoot = () => process.getuid?.() === 0;

/**
 * The full path of a command as the shell would find it, or null. Not zx's which: every command reads this table,
 * and importing zx/core costs each one about 70 ms of CPU (measured) for four lines.
 */
export function which(cmd, env = process.env) {
  if (cmd.includes('/')) return fs.existsSync(cmd) ? cmd : null;
  const dir = (env.PATH ?? '').split(':').find((d) => d && fs.existsSync(path.join(d, cmd)));
  return dir ? path.join(dir, cmd) : null;
}

/** The binary to run for a tool: the one its variable names, else the tool itself. */
export function toolCommand(name, env = process.env) {
  const variable = tools[name].env;
  return (variable && env[variable]) || name;
}

/** Where a tool is here, or null. */
export function toolPath(name, env = process.env) {
  return which(toolCommand(name, env), env);
}

/** The tools these users (see `by` above) need here, optional ones included. */
export function toolsFor(users) {
  return Object.keys(tools).filter((name) => tools[name].by.some((b) => users.includes(b)));
}

/** The exact command that installs these tools on Debian or Ubuntu. */
export function installCommand(names) {
  const install = `apt-get install -y ${[...new Set(names.map((n) => tools[n].pkg))].join(' ')}`;
  return isRoot() ? install : `sudo ${install}`;
}

/**
 * What makes these missing tools found: correct a variable that names no program (installing the package would
 * not help), and the one command installing the rest, after `run` (doctor shows the bare command).
 */
export function fixFor(names, env = process.env, run = '') {
  const misnamed = names.filter((n) => tools[n].env && env[tools[n].env]);
  const rest = names.filter((n) => !misnamed.includes(n));
  const fixes = misnamed.map((n) => `${tools[n].env}=${env[tools[n].env]} names no program here: correct it, or unset it`);
  return [...fixes, ...(rest.length ? [`${run}${installCommand(rest)}`] : [])].join('; ');
}

/** A required tool is missing; the message names each one, what it is for, and what to do (fixFor). */
export class MissingToolError extends UserError {
  constructor(names, env = process.env) {
    const list = names.map((n) => `${n} (${tools[n].does})`).join(', ');
    super(`${list} ${names.length > 1 ? 'are' : 'is'} missing: ${fixFor(names, env, 'run ')}`);
    this.tools = names;
  }
}

/** Throws MissingToolError for the required tools these users need that are not here. */
export function requireTools(users, env = process.env) {
  const missing = toolsFor(users).filter((n) => !tools[n].optional && !toolPath(n, env));
  if (missing.length) throw new MissingToolError(missing, env);
}

/** For the rootfs scripts: requireTools, but a missing tool ends the script with its message, not a stack trace. */
export function scriptNeeds(users) {
  try {
    requireTools(users);
  } catch (e) {
    if (!(e instanceof MissingToolError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
}
