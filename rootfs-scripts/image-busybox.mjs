#!/usr/bin/env node
// The default container image: a busybox root filesystem as a tar, with a root and a learner account (uid 1000,
// primary group 1100: distinct ids, so that a runtime mixing up uid and gid shows it), whose home is its own.
// usage: node rootfs-scripts/image-busybox.mjs --busybox /bin/busybox --out busybox.tar
import { $, argv, fs, os, path } from 'zx';
import { installBusybox } from './lib.mjs';
import { scriptNeeds } from './host-tools.mjs';

$.verbose = false;
scriptNeeds(['image']);
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'rubber-image-'));
try {
  await fs.chmod(root, 0o755);
  await installBusybox(argv.busybox, root);
  for (const dir of ['proc', 'sys', 'dev', 'root', 'home/learner', 'etc']) await fs.mkdirp(path.join(root, dir));
  await fs.mkdirp(path.join(root, 'tmp'));
  await fs.chmod(path.join(root, 'tmp'), 0o1777);
  await fs.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nlearner:x:1000:1100:learner:/home/learner:/bin/sh\n');
  // learner's supplementary group is another than its primary one: a runtime taking the group from /etc/group shows.
  await fs.writeFile(path.join(root, 'etc/group'), 'root:x:0:\nlearners:x:1100:\nstaff:x:1200:learner\n');
  await fs.writeFile(path.join(root, 'etc/rubber-image'), 'busybox\n');
  // A set-user-ID file and a set-group-ID one (scripts: the kernel honours neither bit for one, so they grant
  // nothing): chown clears both bits, so a runtime that moves owners (user namespaces) must put them back, and
  // shows if not; one bit each, so that a runtime putting back only one kind shows too.
  await fs.mkdirp(path.join(root, 'usr/local/bin'));
  for (const [name, what, mode] of [['setuid', 'set-user-ID', 0o4755], ['setgid', 'set-group-ID', 0o2755]]) {
    await fs.writeFile(path.join(root, `usr/local/bin/${name}-example`), `#!/bin/sh\necho "${what}: $(ls -l "$0")"\n`);
    await fs.chmod(path.join(root, `usr/local/bin/${name}-example`), mode);
  }
  // A file of two names (a hard link, as Docker Hub's busybox links its applets): one file, whose owner a runtime
  // that moves owners once per name would move twice.
  await fs.mkdirp(path.join(root, 'usr/share/rubber'));
  await fs.link(path.join(root, 'etc/rubber-image'), path.join(root, 'usr/share/rubber/image-name'));
  // Fixed owners and times: the same inputs give the same bytes, so the asset digest is stable. Root's all but
  // learner's home, learner's (1000:1100): a runtime that sets owners instead of moving them (user namespaces) shows.
  const tar = ['--numeric-owner', '--mtime=@0', '--sort=name', '-C', root];
  await $`tar ${tar} --owner=0 --group=0 --exclude=./home/learner -cf ${path.resolve(argv.out)} .`;
  await $`tar ${tar} --owner=1000 --group=1100 -rf ${path.resolve(argv.out)} ./home/learner`;
} finally {
  await fs.rm(root, { recursive: true, force: true });
}
