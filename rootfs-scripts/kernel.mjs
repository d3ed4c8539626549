#!/usr/bin/env node
// The guest kernel and the modules it needs, from Debian's cloud kernel package. No root needed.
// usage: node rootfs-scripts/kernel.mjs --package linux-image-6.1.0-56-cloud-amd64 --out DIR
//    or: node rootfs-scripts/kernel.mjs --kernel /path/vmlinuz --modules /lib/modules/VER --out DIR
import { $, argv, fs, os, path } from 'zx';
import { scriptNeeds, toolPath } from './host-tools.mjs';

$.verbose = false;
scriptNeeds(argv.package ? ['kernel', 'kernel-package'] : ['kernel']);
const out = path.resolve(argv.out);
// Block device, root filesystem, container filesystem, the VM's dummy interface, the net levels' veth and
// bridge (its deps stp and llc come along), and the control port of an interactive session (window sizes).
const wanted = ['virtio_mmio', 'virtio_blk', 'erofs', 'overlay', 'dummy', 'veth', 'bridge', 'virtio_console'];

let vmlinuz = argv.kernel;
let moduleRoot = argv.modules;
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'rubber-kernel-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
if (argv.package) {
  await $({ cwd: work })`apt-get download ${argv.package}`;
  const deb = (await fs.readdir(work)).find((f) => f.endsWith('.deb'));
  await $`dpkg-deb -x ${path.join(work, deb)} ${path.join(work, 'x')}`;
  const boot = path.join(work, 'x/boot');
  vmlinuz = path.join(boot, (await fs.readdir(boot)).find((f) => f.startsWith('vmlinuz-')));
  const modules = path.join(work, 'x/lib/modules');
  moduleRoot = path.join(modules, (await fs.readdir(modules))[0]);
}
if (!vmlinuz || !moduleRoot) throw new Error('give --package, or --kernel and --modules');

await fs.mkdirp(path.join(out, 'modules'));
await extractKernel(vmlinuz, path.join(out, 'vmlinux'));
const order = await copyModules(moduleRoot, wanted, path.join(out, 'modules'));
await fs.writeFile(path.join(out, 'modules', 'order'), order.join('\n') + '\n');

// Booting the uncompressed ELF inside the bzImage skips in-guest decompression (≈0.2 s under TCG).
// Debian's cloud kernel is LZ4; any other kernel is booted as it is.
async function extractKernel(src, dest) {
  const image = await fs.readFile(src);
  const at = image.indexOf(Buffer.from([0x02, 0x21, 0x4c, 0x18]));
  if (at < 0 || !toolPath('unlz4')) return fs.copyFile(src, dest);
  const lz4 = `${dest}.lz4`;
  await fs.writeFile(lz4, image.subarray(at));
  await $`unlz4 -q -f ${lz4} ${dest}`.nothrow();
  await fs.rm(lz4);
  const elf = await fs.readFile(dest).then((b) => b.subarray(0, 4).toString('latin1'), () => '');
  if (elf !== '\x7fELF') await fs.copyFile(src, dest);
}

// Resolves dependencies from each module's own .modinfo ("depends=a,b"), so no depmod is needed.
async function copyModules(root, names, dest) {
  const files = new Map();
  for await (const f of walk(root)) if (f.endsWith('.ko')) files.set(path.basename(f, '.ko').replace(/-/g, '_'), f);
  const order = [];
  const visit = async (name) => {
    const key = name.replace(/-/g, '_');
    if (order.includes(key)) return;
    const file = files.get(key);
    if (!file) return; // built into the kernel
    const info = (await fs.readFile(file)).toString('latin1');
    const deps = /\0depends=([^\0]*)/.exec(info)?.[1].split(',').filter(Boolean) ?? [];
    for (const dep of deps) await visit(dep);
    await fs.copyFile(file, path.join(dest, `${key}.ko`));
    order.push(key);
  };
  for (const name of names) await visit(name);
  return order;
}

async function* walk(dir) {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}
