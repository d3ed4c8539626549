import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { level, rw, workspaceWith } from './helpers.js';
import { which } from '../../rootfs-scripts/host-tools.mjs';

// Images the learner adds, in real VMs: a root filesystem tarball the test makes, and a `podman save` archive of
// an image podman builds here from a tarball (no registry), each run with the level-10 solution's rd.
let work: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-images-'));
  // Added images live in the cache folder: links to the suite's assets (setup-assets.ts built them) in a
  // folder of its own keep the test's images its own.
  const cache = path.join(work, 'cache');
  fs.mkdirSync(cache);
  env = { RUBBER_WORKSHOP_CACHE: cache };
  for (const f of fs.readdirSync(sharedCache()).filter((f) => f !== 'user-images')) fs.symlinkSync(path.join(sharedCache(), f), path.join(cache, f));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function sharedCache(): string {
  return process.env.RUBBER_WORKSHOP_CACHE ?? path.join(os.homedir(), '.cache/rubber-workshop');
}

const level10 = () => workspaceWith(level('10').solution());

/** A root filesystem folder: the host's static busybox as /bin/sh and /bin/cat, and a marker file. */
function rootfs(marker: string): string {
  const root = fs.mkdtempSync(path.join(work, 'root-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(which('busybox')!, path.join(root, 'bin/busybox'));
  for (const applet of ['sh', 'cat', 'ls']) fs.symlinkSync('busybox', path.join(root, 'bin', applet));
  fs.writeFileSync(path.join(root, 'marker'), `${marker}\n`);
  return root;
}

const sh = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
};

test('a root filesystem tarball: image add, then rd run -i NAME in a VM sees its files; image ls and rm', () => {
  const tarball = path.join(work, 'mine.tar.gz');
  sh('tar', ['-C', rootfs('marker-from-a-tarball'), '-czf', tarball, '.']);
  const add = rw(['image', 'add', 'mine', tarball], { env });
  expect(add.status, add.stderr).toBe(0);
  expect(add.stdout).toMatch(/^added mine \(\d+\.\d MiB, root filesystem tarball\)/);
  expect(rw(['image', 'ls'], { env }).stdout).toMatch(/^mine\t\d+\.\d MiB\troot filesystem tarball: .*mine\.tar\.gz$/m);

  const run = rw(['rd', 'run', '-i', 'mine', '--', '/bin/cat', '/marker'], { env, cwd: level10() });
  expect(run.stdout, run.stderr).toMatch(/^marker-from-a-tarball$/m);
  expect(run.status).toBe(0);
  // The built-in image is still there beside it.
  const both = rw(['vm', 'exec', '--', 'ls', '-1', '/workshop/images'], { env });
  expect(both.stdout.split('\n')).toEqual(expect.arrayContaining(['busybox.tar', 'mine.tar']));

  expect(rw(['image', 'rm', 'mine'], { env }).status).toBe(0);
  const gone = rw(['rd', 'run', '-i', 'mine', '--', '/bin/cat', '/marker'], { env, cwd: level10() });
  expect(gone.stdout + gone.stderr).toMatch(/no image "mine"/);
  expect(gone.status).not.toBe(0);
});

test('bad input gets one line saying what is wrong, exit status 2, and nothing is kept', () => {
  const text = path.join(work, 'notes.txt');
  fs.writeFileSync(text, 'not an archive\n');
  const r = rw(['image', 'add', 'notes', text], { env });
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('rubber-workshop: notes.txt is not a tar archive (.tar, .tar.gz, .tar.xz), nor a compressed one\n');
  expect(rw(['image', 'add', 'Bad/Name', text], { env }).stderr).toMatch(/^rubber-workshop: "Bad\/Name" is not an image name/);
  expect(rw(['image', 'ls'], { env }).stdout).not.toMatch(/^notes\t/m);
  expect(fs.readdirSync(path.join(env.RUBBER_WORKSHOP_CACHE!, 'user-images')).filter((f) => f.startsWith('add-'))).toEqual([]);
});

const podman = which('podman') && which('buildah');
test.skipIf(!podman)('a podman save archive of a two-layer image (a file removed in the second layer) runs as rd run -i NAME', () => {
  // podman's own storage for the test, so that nothing of it touches the machine's images.
  const storage = ['--root', path.join(work, 'storage'), '--runroot', path.join(work, 'run'), '--storage-driver', 'vfs'];
  const base = path.join(work, 'base.tar');
  sh('tar', ['-C', rootfs('marker-from-the-base-layer'), '-cf', base, '.']);
  sh('podman', [...storage, 'import', '-q', base, 'localhost/rw-e2e-base:1']);
  const context = fs.mkdtempSync(path.join(work, 'build-'));
  fs.writeFileSync(path.join(context, 'Containerfile'),
    'FROM localhost/rw-e2e-base:1\nRUN ["/bin/sh", "-c", "echo from-the-second-layer > /marker2 && rm /marker"]\n');
  sh('buildah', [...storage, 'bud', '-q', '--isolation', 'chroot', '-t', 'localhost/rw-e2e-layered:1', context]);
  const archive = path.join(work, 'layered.tar');
  sh('podman', [...storage, 'save', '-o', archive, 'localhost/rw-e2e-layered:1']);

  const add = rw(['image', 'add', 'layered', archive], { env });
  expect(add.status, add.stderr).toBe(0);
  expect(add.stderr).toMatch(/docker-archive, 2 layers/);
  const run = rw(['rd', 'run', '-i', 'layered', '--', '/bin/sh', '-c', 'cat /marker2; ls /marker || echo whited-out'], { env, cwd: level10() });
  expect(run.stdout, run.stderr).toMatch(/^from-the-second-layer$/m);
  expect(run.stdout).toMatch(/^whited-out$/m);
  expect(run.status).toBe(0);
});
