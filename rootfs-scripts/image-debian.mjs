#!/usr/bin/env node
// The optional bigger image: a minimal Debian made by debootstrap, with a learner (1000) account, as a tar.
// debootstrap must run as root: as a user, this script runs it (and only it) through sudo.
// usage: node rootfs-scripts/image-debian.mjs --suite bookworm --mirror http://deb.debian.org/debian --out debian.tar
import { $, argv, fs, os, path } from 'zx';
import { scriptNeeds } from './host-tools.mjs';

$.verbose = false;
scriptNeeds(['debian']);
const asRoot = (cmd) => (process.getuid() === 0 ? cmd : ['sudo', ...cmd]);
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'rubber-debian-'));
try {
  await $`${asRoot(['debootstrap', '--variant=minbase', '--include=procps,iproute2', argv.suite, root, argv.mirror])}`;
  // Containers unpack images into the guest's RAM: drop apt's downloads and lists, docs and translations.
  const slim = 'rm -rf var/cache/apt/* var/lib/apt/lists/* usr/share/doc usr/share/man usr/share/info usr/share/locale';
  const account = `${slim} && echo "learner:x:1000:1000:learner:/home/learner:/bin/sh" >> etc/passwd && echo "learner:x:1000:" >> etc/group && mkdir -p home/learner && echo debian > etc/rubber-image`;
  await $({ cwd: root })`${asRoot(['sh', '-c', account])}`;
  // The tar is written by this process, so it belongs to the user who runs setup.
  const out = fs.createWriteStream(path.resolve(argv.out));
  await $`${asRoot(['tar', '--numeric-owner', '--exclude=./dev/*', '-C', root, '-cf', '-', '.'])}`.pipe(out);
} finally {
  await $`${asRoot(['rm', '-rf', root])}`.nothrow();
}
