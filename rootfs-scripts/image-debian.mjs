#!/usr/bin/env node
// The optional bigger image: a minimal Debian with the tools the original workshop's checks use (bash, ps and
// top, ip, stress, util-linux) and a learner (1000) account, as a tar. mmdebstrap builds it without root: in
// its root mode when run as root, else in its unshare mode, which needs subordinate ids (/etc/subuid, /etc/subgid).
// usage: node rootfs-scripts/image-debian.mjs --suite bookworm --mirror http://deb.debian.org/debian --out debian.tar
import { $, argv, fs, os, path } from 'zx';
import { scriptNeeds } from './host-tools.mjs';

$.verbose = false;
scriptNeeds(['debian']);
const asRoot = process.getuid() === 0;
if (!asRoot && !['/etc/subuid', '/etc/subgid'].every(hasSubordinateIds)) {
  const user = os.userInfo().username;
  process.stderr.write(`mmdebstrap builds the Debian image in a user namespace, which needs ids of your own: run sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user}\n`);
  process.exit(2);
}
const out = path.resolve(argv.out);
// Containers unpack images into the guest's memory (at most 100 MiB, see src/images/store.ts): no
// documentation, manuals or translations.
const slim = ['doc', 'man', 'info', 'locale'].flatMap((dir) => ['--dpkgopt', `path-exclude=/usr/share/${dir}/*`]);
const account = 'echo "learner:x:1000:1000:learner:/home/learner:/bin/sh" >> "$1/etc/passwd" && echo "learner:x:1000:" >> "$1/etc/group" && ' +
  'mkdir -p "$1/home/learner" && chown 1000:1000 "$1/home/learner" && echo debian > "$1/etc/rubber-image"';
// Essential packages and the tools: no apt (the guest has no network); /usr merged by mmdebstrap's own hook,
// without usrmerge, which would bring perl in (≈ 50 MB).
const mergedUsr = '/usr/share/mmdebstrap/hooks/merged-usr';
await $`mmdebstrap --quiet --mode=${asRoot ? 'root' : 'unshare'} --variant=essential --hook-dir=${mergedUsr} --include=bash,procps,iproute2,stress,util-linux ${slim} --customize-hook=${account} ${argv.suite} ${out} ${argv.mirror}`;
// The guest's sandbox cannot make device nodes (a user namespace): the image has none, rd bind-mounts the VM's.
await $`tar --delete --wildcards -f ${out} ./dev/*`;

function hasSubordinateIds(file) {
  const { username, uid } = os.userInfo();
  try {
    return fs.readFileSync(file, 'utf8').split('\n').some((line) => [username, String(uid)].includes(line.split(':')[0]));
  } catch {
    return false;
  }
}
