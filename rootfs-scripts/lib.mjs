import { $, fs, path } from 'zx';

/** Copies a static busybox into ROOT/bin and links every applet where busybox says it belongs. */
export async function installBusybox(busybox, root) {
  await fs.mkdirp(path.join(root, 'bin'));
  await fs.copyFile(busybox, path.join(root, 'bin/busybox'));
  await fs.chmod(path.join(root, 'bin/busybox'), 0o755);
  const applets = (await $`${busybox} --list-full`).stdout.split('\n').filter(Boolean);
  for (const applet of applets) {
    const link = path.join(root, applet);
    if (await fs.pathExists(link)) continue;
    await fs.mkdirp(path.dirname(link));
    await fs.symlink(path.relative(path.dirname(link), path.join(root, 'bin/busybox')), link);
  }
}
