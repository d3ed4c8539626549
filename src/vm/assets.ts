import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, rootfsScriptsDir, vmDir } from '../paths.js';
import { cpio, type CpioEntry } from './cpio.js';
import { writeFileAtomic } from '../atomic.js';
import { installCommand, MissingToolError, toolPath, type ToolUser } from '../../rootfs-scripts/host-tools.mjs';
import * as v from 'valibot';
import { UserError } from '../errors.js';
import { readJsonFileIfValid, type Schema } from '../json-file.js';

const run = promisify(execFile);

/** Built VM assets, as recorded in <cache>/assets.json. */
export interface Assets {
  kernel: string;
  initramfs: string;
  rootfs: string;
  /** The folders of container images (also inside rootfs, at /workshop/images). */
  images: string;
  /** The Debian image's folder, when it was built. */
  debian?: string;
  /** One digest over every input: names exactly what a result was graded with. */
  digest: string;
  /** Per step: the key its inputs hash to. */
  keys: Record<Step, string>;
  /** The Debian image was asked for (setup --debian): later setups keep it. */
  withDebian: boolean;
  /** Digest of vm/ at build time: a changed guest script makes the assets stale. */
  guest: string;
  describe: { kernel: string; busybox: string; node: string };
}

export type Step = 'kernel' | 'image' | 'debian' | 'rootfs' | 'initramfs';

/** <cache>/assets.json, as setup writes it. */
export const AssetsFile: Schema<Assets> = v.object({
  kernel: v.string(),
  initramfs: v.string(),
  rootfs: v.string(),
  images: v.string(),
  debian: v.optional(v.string()),
  digest: v.string(),
  keys: v.object({ kernel: v.string(), image: v.string(), debian: v.string(), rootfs: v.string(), initramfs: v.string() }),
  withDebian: v.boolean(),
  guest: v.string(),
  describe: v.object({ kernel: v.string(), busybox: v.string(), node: v.string() }),
});

/** What the assets are built from; each step's key hashes the inputs it reads. */
export interface Inputs {
  kernel: { package?: string; version?: string; file?: string; modules?: string; key: string };
  busybox: { file: string; key: string };
  node: { file: string; version: string; key: string };
  koffi: { dir: string; version: string };
  /** The optional Debian image (setup --debian), built by mmdebstrap from this mirror. */
  debian?: { suite: string; mirror: string };
}

export class SetupError extends UserError {}

const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};
/** The uid and gid outside the guest's sandbox of the sandbox's root: vm/harness maps ids 0-65535 from here. */
export const SANDBOX_ROOT_ID = 100000;
/** util-linux tools the harness builds the sandbox with (busybox's know no cgroup namespace, nor id ranges). */
const SANDBOX_TOOLS = ['/usr/bin/unshare', '/usr/bin/nsenter', '/usr/bin/setpriv'];

const fileKey = (file: string) => {
  const st = fs.statSync(file);
  return `${file}:${st.size}:${st.mtimeMs}`;
};
const dirDigest = (dir: string) =>
  sha(...fs.readdirSync(dir).sort().flatMap((f) => [f, fs.readFileSync(path.join(dir, f))]));

/**
 * Finds the kernel, busybox and node to build from, or says exactly how to get them. The Debian image is
 * built when asked for, and kept by later setups once it was.
 */
export async function resolveInputs(env = process.env, opts: { debian?: boolean } = {}): Promise<Inputs> {
  const debian = opts.debian || Boolean(loadAssets()?.withDebian) ? { suite: 'bookworm', mirror: debianMirror() } : undefined;
  return { kernel: await resolveKernel(env), busybox: await resolveBusybox(env), node: resolveNode(), koffi: resolveKoffi(), debian };
}

/** The host's own Debian mirror if it has one configured, else Debian's main one. */
function debianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    try {
      const uri = /(?:URIs:|^deb)\s+(https?:\/\/\S+\/debian)\/?(?:\s|$)/m.exec(fs.readFileSync(file, 'utf8'))?.[1];
      if (uri) return uri;
    } catch {
      // not configured here
    }
  }
  return 'http://deb.debian.org/debian';
}

async function resolveKernel(env: NodeJS.ProcessEnv): Promise<Inputs['kernel']> {
  if (env.RUBBER_WORKSHOP_KERNEL) {
    const file = env.RUBBER_WORKSHOP_KERNEL;
    const modules = env.RUBBER_WORKSHOP_MODULES;
    if (!fs.existsSync(file)) throw new SetupError(`RUBBER_WORKSHOP_KERNEL=${file}: no such file`);
    if (!modules || !fs.existsSync(modules))
      throw new SetupError('RUBBER_WORKSHOP_KERNEL needs RUBBER_WORKSHOP_MODULES=/lib/modules/<version> (the folder of its modules)');
    return { file, modules, key: sha(fileKey(file), modules) };
  }
  try {
    const deps = (await run('apt-cache', ['depends', 'linux-image-cloud-amd64'])).stdout;
    const pkg = /Depends: (linux-image-\S+)/.exec(deps)?.[1];
    if (!pkg) throw new Error('no kernel package');
    const show = (await run('apt-cache', ['show', '--no-all-versions', pkg])).stdout;
    const version = /^Version: (\S+)/m.exec(show)?.[1] ?? 'unknown';
    return { package: pkg, version, key: sha(pkg, version) };
  } catch {
    throw new SetupError(
      'cannot find Debian\'s cloud kernel package (linux-image-cloud-amd64). On Debian run: sudo apt-get update; ' +
        'elsewhere (Ubuntu has no such package) set RUBBER_WORKSHOP_KERNEL=/path/to/vmlinuz and RUBBER_WORKSHOP_MODULES=/lib/modules/<version>',
    );
  }
}

async function resolveBusybox(env: NodeJS.ProcessEnv): Promise<Inputs['busybox']> {
  const file = toolPath('busybox', env);
  if (!file) throw new MissingToolError(['busybox']);
  const ldd = await run('ldd', [file]).then((r) => r.stdout + r.stderr, (e) => `${e.stdout ?? ''}${e.stderr ?? ''}`);
  if (!/not a dynamic executable|statically linked/.test(ldd))
    throw new SetupError(`${file} is linked dynamically; the guest needs a static one: run ${installCommand(['busybox'])}`);
  return { file, key: sha(fs.readFileSync(file)) };
}

function resolveNode(): Inputs['node'] {
  return { file: process.execPath, version: process.version, key: sha(process.version, fileKey(process.execPath)) };
}

function resolveKoffi(): Inputs['koffi'] {
  const pkg = createRequire(import.meta.url).resolve('koffi/package.json');
  return { dir: path.dirname(pkg), version: JSON.parse(fs.readFileSync(pkg, 'utf8')).version };
}

/** Each step's key: its own inputs, its script, and the keys of the steps it builds on. */
export function stepKeys(inputs: Inputs): Record<Step, string> {
  const script = (name: string) => fs.readFileSync(path.join(rootfsScriptsDir, name));
  const lib = script('lib.mjs');
  const kernel = sha(inputs.kernel.key, script('kernel.mjs'));
  const image = sha(inputs.busybox.key, script('image-busybox.mjs'), lib);
  const debian = inputs.debian ? sha(inputs.debian.suite, inputs.debian.mirror, script('image-debian.mjs')) : '';
  const rootfs = sha(image, debian, inputs.busybox.key, inputs.node.key, inputs.koffi.version, script('rootfs.mjs'), lib,
    fs.readFileSync(path.join(vmDir, 'harness')), fs.readFileSync(path.join(vmDir, 'drop-caps.mjs')),
    String(SANDBOX_ROOT_ID), ...SANDBOX_TOOLS.map((tool) => fileKey(tool)));
  const initramfs = sha(kernel, inputs.busybox.key, fs.readFileSync(path.join(vmDir, 'init')));
  return { kernel, image, debian, rootfs, initramfs };
}

const manifestFile = () => path.join(cacheDir(), 'assets.json');

/** The assets recorded by the last setup, if their files are all there; fast, for every run. */
export function loadAssets(): Assets | null {
  // An unreadable record is as good as none: setup builds the assets again.
  const assets = readJsonFileIfValid(manifestFile(), AssetsFile);
  return assets && [assets.kernel, assets.initramfs, assets.rootfs].every((f) => fs.existsSync(f)) ? assets : null;
}

/** The digest of the assets a check would run on, or "none" before setup. */
export async function assetsDigest(): Promise<string> {
  return loadAssets()?.digest ?? 'none';
}

/** Steps whose inputs changed since the assets were built (all of them before the first setup). */
export function staleSteps(assets: Assets | null, inputs: Inputs): Step[] {
  const keys = stepKeys(inputs);
  return (Object.keys(keys) as Step[]).filter((s) => (assets?.keys[s] ?? '') !== keys[s]);
}

/** Who runs host tools (host-tools.mjs) while these steps are built: what setup must find before it starts. */
export function toolUsers(inputs: Inputs, steps: Step[]): ToolUser[] {
  return steps.flatMap((s): ToolUser[] => (s === 'kernel' && inputs.kernel.package ? ['kernel', 'kernel-package'] : s === 'initramfs' ? [] : [s]));
}

// The scripts that build the guest count too: a module added to the kernel's list must not go unbuilt.
const guestDigest = () => sha(dirDigest(vmDir), dirDigest(rootfsScriptsDir));

/** Like staleSteps, but reads only this package's guest and build scripts: cheap enough to run before every check. */
export function guestFilesChanged(assets: Assets): boolean {
  return assets.guest !== guestDigest();
}

export type Progress = (step: Step, state: 'cached' | 'building' | 'built') => void;

/** Builds what is missing or stale into the cache folder, each step into place atomically. */
export async function buildAssets(inputs: Inputs, progress: Progress = () => {}): Promise<Assets> {
  const dir = cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const keys = stepKeys(inputs);
  const target = {
    kernel: path.join(dir, `kernel-${keys.kernel.slice(0, 16)}`),
    image: path.join(dir, `images-${keys.image.slice(0, 16)}`),
    debian: path.join(dir, `debian-${keys.debian.slice(0, 16)}`),
    rootfs: path.join(dir, `root-${keys.rootfs.slice(0, 16)}.erofs`),
    initramfs: path.join(dir, `initramfs-${keys.initramfs.slice(0, 16)}.cpio`),
  };
  const script = (name: string) => path.join(rootfsScriptsDir, name);
  const steps: [Step, (tmp: string) => Promise<unknown>][] = [
    ['kernel', (tmp) => {
      const k = inputs.kernel;
      const from = k.package ? ['--package', k.package] : ['--kernel', k.file!, '--modules', k.modules!];
      return node(script('kernel.mjs'), ...from, '--out', tmp);
    }],
    ['image', async (tmp) => {
      fs.mkdirSync(tmp);
      await node(script('image-busybox.mjs'), '--busybox', inputs.busybox.file, '--out', path.join(tmp, 'busybox.tar'));
    }],
    ['debian', async (tmp) => {
      fs.mkdirSync(tmp);
      const { suite, mirror } = inputs.debian!;
      await node(script('image-debian.mjs'), '--suite', suite, '--mirror', mirror, '--out', path.join(tmp, 'debian.tar'));
    }],
    ['rootfs', (tmp) => node(script('rootfs.mjs'), '--busybox', inputs.busybox.file, '--node', inputs.node.file,
      '--koffi', inputs.koffi.dir, '--harness', path.join(vmDir, 'harness'), '--images', target.image,
      ...(inputs.debian ? ['--images', target.debian] : []), ...SANDBOX_TOOLS.flatMap((tool) => ['--tool', tool]),
      '--owner', String(SANDBOX_ROOT_ID), '--out', tmp)],
    ['initramfs', async (tmp) => fs.writeFileSync(tmp, initramfs(inputs.busybox.file, path.join(target.kernel, 'modules')))],
  ];
  for (const [step, build] of steps) {
    if (step === 'debian' && !inputs.debian) continue;
    if (fs.existsSync(target[step])) {
      progress(step, 'cached');
      continue;
    }
    progress(step, 'building');
    const tmp = `${target[step]}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    try {
      await build(tmp);
      fs.renameSync(tmp, target[step]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    progress(step, 'built');
  }
  const assets: Assets = {
    kernel: path.join(target.kernel, 'vmlinux'),
    initramfs: target.initramfs,
    rootfs: target.rootfs,
    images: target.image,
    digest: sha(keys.kernel, keys.image, keys.debian, keys.rootfs, keys.initramfs),
    keys,
    withDebian: Boolean(inputs.debian),
    ...(inputs.debian ? { debian: target.debian } : {}),
    guest: guestDigest(),
    describe: {
      kernel: inputs.kernel.package ? `${inputs.kernel.package} ${inputs.kernel.version}` : inputs.kernel.file!,
      busybox: inputs.busybox.file,
      node: `${inputs.node.version} (${inputs.node.file})`,
    },
  };
  writeFileAtomic(manifestFile(), JSON.stringify(assets, null, 2) + '\n');
  return assets;
}

/** Removes built assets and snapshots that `keep` does not name: each version is ≈ 100 MB. */
export function pruneCache(keep: string[], dir = cacheDir()): string[] {
  const built = /^(kernel-|images-|debian-|root-|initramfs-|snapshot-)[0-9a-f]{16}/;
  const kept = new Set(keep.map((f) => path.relative(dir, f).split(path.sep)[0]));
  const removed = fs.readdirSync(dir).filter((f) => built.test(f) && !kept.has(f) && !f.includes('.tmp-'));
  for (const f of removed) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  return removed;
}

async function node(script: string, ...args: string[]) {
  try {
    await run(process.execPath, [script, ...args], { maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new SetupError(`${path.basename(script)} failed: ${(err.stderr || err.message).trim().split('\n').slice(-5).join('\n')}`);
  }
}

/** The initramfs: busybox, the modules with their load order, and the stage-1 init. */
function initramfs(busybox: string, modules: string): Buffer {
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'lib', 'lib/modules', 'ro', 'rw', 'newroot'].map((p): CpioEntry => ({ path: p, type: 'dir' })),
    { path: 'init', type: 'file', mode: 0o755, data: fs.readFileSync(path.join(vmDir, 'init')) },
    { path: 'bin/busybox', type: 'file', mode: 0o755, data: fs.readFileSync(busybox) },
    ...fs.readdirSync(modules).sort().map((f): CpioEntry => ({ path: `lib/modules/${f}`, type: 'file', data: fs.readFileSync(path.join(modules, f)) })),
  ];
  return cpio(entries);
}
