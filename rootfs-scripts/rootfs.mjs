#!/usr/bin/env node
// The guest's read-only root filesystem (erofs): busybox, node with its libraries, koffi, util-linux's
// namespace tools, the guest harness and the container images. Every file belongs to uid and gid 100000, the
// ids that root in the guest's sandbox has outside it (see vm/harness), so the sandbox's root owns its
// copy of this tree; the harness, real root, needs no ownership. mkfs.erofs --force-uid needs no root.
// usage: node rootfs-scripts/rootfs.mjs --busybox B --node N --koffi DIR --harness F --images DIR [--images DIR…]
//          --tool BIN [--tool BIN…] --owner ID --out root.erofs
import { $, argv, fs, os, path } from 'zx';
import { installBusybox } from './lib.mjs';
import { scriptNeeds } from './host-tools.mjs';

$.verbose = false;
scriptNeeds(['rootfs']);
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'rubber-rootfs-'));
try {
  await fs.chmod(root, 0o755);
  await installBusybox(argv.busybox, root);
  for (const dir of ['proc', 'sys', 'dev', 'run', 'tmp', 'mnt', 'root', 'etc', 'sbin', 'workshop/containers'])
    await fs.mkdirp(path.join(root, dir));

  await copyWithLibraries(argv.node, root, 'usr/local/bin');

  // Only what `import koffi` loads on this platform: koffi ships builds for a dozen others.
  const koffi = path.join(root, 'node_modules/koffi');
  await fs.copy(argv.koffi, koffi, {
    filter: (src) => !/\/(src|doc|vendor)(\/|$)/.test(path.relative(argv.koffi, src)) &&
      !/build\/koffi\/(?!linux_x64)[^/]+/.test(path.relative(argv.koffi, src)),
  });
  // koffi's own entry also loads its installer's helpers (https, zlib, crypto): ≈ 0.1 s of every Node start
  // in the guest under TCG, twice per container (rd and its init stage). This one loads the same native module
  // and exports what koffi's entry does, less its deprecated aliases.
  await fs.writeFile(path.join(koffi, 'index.js'), `'use strict';
// rubber-workshop's entry for the guest (rootfs-scripts/rootfs.mjs): koffi's native module, as koffi's own entry exports it.
const native = require('./build/koffi/linux_x64/koffi.node');
if (native.version !== require('./package.json').version) throw new Error('Mismatched native Koffi modules');
module.exports = { ...native };
`);

  // busybox's unshare and nsenter know no cgroup namespace, nor ids mapped from a range.
  for (const tool of [argv.tool].flat()) await copyWithLibraries(tool, root, 'usr/local/sbin');

  await fs.copyFile(argv.harness, path.join(root, 'sbin/harness'));
  await fs.chmod(path.join(root, 'sbin/harness'), 0o755);
  await fs.copyFile(path.join(path.dirname(argv.harness), 'drop-caps.mjs'), path.join(root, 'sbin/drop-caps.mjs'));
  for (const images of [argv.images].flat()) await fs.copy(images, path.join(root, 'workshop/images'));
  await fs.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await fs.writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
  await fs.writeFile(path.join(root, 'etc/rubber-vm'), 'the VM, not a container\n');

  await $`mkfs.erofs --quiet --force-uid=${argv.owner} --force-gid=${argv.owner} -T0 ${path.resolve(argv.out)} ${root}`;
} finally {
  await fs.rm(root, { recursive: true, force: true });
}

// A binary into ROOT/DIR, and the dynamic loader and every library ldd names, at their real paths.
async function copyWithLibraries(binary, root, dir) {
  await fs.mkdirp(path.join(root, dir));
  await fs.copyFile(binary, path.join(root, dir, path.basename(binary)));
  for (const lib of await sharedLibraries(binary)) {
    await fs.mkdirp(path.join(root, path.dirname(lib)));
    await fs.copyFile(lib, path.join(root, lib));
  }
}

async function sharedLibraries(binary) {
  const out = (await $`ldd ${binary}`).stdout;
  return [...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]);
}
