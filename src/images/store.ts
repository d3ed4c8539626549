import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as v from 'valibot';
import { cacheDir } from '../paths.js';
import { makeTemp } from '../temp.js';
import { writeFileAtomic } from '../atomic.js';
import { FileFormatError, readJsonFile } from '../json-file.js';
import { SANDBOX_ROOT_ID } from '../vm/assets.js';
import { requireTools } from '../../rootfs-scripts/host-tools.mjs';
import { ImageError } from './error.js';
import { findSource, type Source } from './sources.js';
import { hasShell, mergeLayers, unpackedBytes, writeFlat } from './flatten.js';

const run = promisify(execFile);

/** An image the learner added: what `image ls` shows. */
export interface ImageRecord {
  name: string;
  /** Bytes of its tar (what it takes unpacked, near enough). */
  bytes: number;
  /** The file it came from, and what kind of archive that was. */
  source: string;
  kind: Source['kind'];
}

export const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Images the guest's root already has (rootfs-scripts/image-*.mjs): an added image may not hide them. */
export const BUILT_IN_IMAGES = ['busybox', 'debian'];
/**
 * The most an image may unpack to. rd unpacks images and keeps containers' files in the sandbox's
 * /workshop/containers, a tmpfs of half the guest's memory (109 MiB of 256 MiB): with the level-10 solution a
 * 104 MiB image ran and a 110 MiB one filled it. 100 MiB leaves containers room to write.
 */
export const IMAGE_MAX_BYTES = 100 * 1024 * 1024;
/**
 * The guest's images disk has one size whatever it holds (sparse on the host), so that a saved guest, which
 * knows the disk's size, restores onto it: all added images together must fit.
 */
export const IMAGES_DISK_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Added images live beside the VM assets, for every workspace of this user: <cache>/user-images, or
 * $RUBBER_WORKSHOP_IMAGES where the cache is read-only (the classroom image's is).
 */
export const imagesDir = () => path.resolve(process.env.RUBBER_WORKSHOP_IMAGES || path.join(cacheDir(), 'user-images'));
const tarsDir = () => path.join(imagesDir(), 'tars');
const listFile = () => path.join(imagesDir(), 'images.json');
/** The erofs filesystem of all added images that the guest mounts (vm/harness: add_images). */
export const imagesDisk = () => path.join(imagesDir(), 'images.erofs');

// (Not strict: fields a later version adds do not make the list damaged.)
const ImageList = v.array(
  v.object({
    name: v.pipe(v.string(), v.regex(IMAGE_NAME)),
    bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
    source: v.string(),
    kind: v.picklist(['root filesystem tarball', 'docker-archive', 'OCI archive', 'OCI layout']),
  }),
);

/**
 * The images added so far. A damaged list is an error, not an empty one: `image add` rewrites the list from what
 * this returns, and would drop every image added before without a word.
 */
export function listImages(): ImageRecord[] {
  try {
    return readJsonFile(listFile(), ImageList);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    if (!(e instanceof FileFormatError)) throw e;
    throw new ImageError(`the list of added images is damaged (${e.message}): move it aside and add your images again (their tars are in ${tarsDir()})`);
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Why NAME cannot name an added image, or null. */
export function badName(name: string): string | null {
  if (!IMAGE_NAME.test(name)) return `"${name}" is not an image name: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (at most 64)`;
  if (BUILT_IN_IMAGES.includes(name)) return `${name} is a built-in image: choose another name`;
  if (listImages().some((i) => i.name === name)) return `${name} is already added: remove it first with rubber-workshop image rm ${name}`;
  return null;
}

/**
 * Imports FILE (a root filesystem tarball, a docker/podman save archive, or an OCI archive or layout) as
 * the image NAME, flattened into one tar. Everything is made under a temp name and renamed at the end, so an
 * error or an interrupt keeps nothing.
 */
export async function addImage(name: string, file: string, say: (line: string) => void = () => {}, signal?: AbortSignal): Promise<ImageRecord> {
  const bad = badName(name);
  if (bad) throw new ImageError(bad);
  if (!fs.existsSync(file)) throw new ImageError(`${file}: no such file`);
  requireTools(['image-add']);
  const staging = makeStaging('add-');
  try {
    const source = await findSource(path.resolve(file), staging, signal);
    say(`${source.kind}, ${source.layers.length} layer${source.layers.length === 1 ? '' : 's'}`);
    const { kept, devices } = await mergeLayers(source.layers, signal);
    if (!hasShell(kept)) throw new ImageError(`${path.basename(file)} has no /bin/sh: rd runs commands in the image with it, so it must have a shell (is it a root filesystem?)`);
    const unpacked = unpackedBytes(kept);
    if (unpacked > IMAGE_MAX_BYTES)
      throw new ImageError(`${path.basename(file)} unpacks to ${mib(unpacked)}, more than the ${mib(IMAGE_MAX_BYTES)} the VM can unpack (its containers live in its memory): use a smaller image`);
    const tar = path.join(staging, `${name}.tar`);
    const owners = await writeFlat(source.layers, kept, tar, signal);
    if (devices) say(`left out ${devices} device node${devices === 1 ? '' : 's'} (the sandbox cannot make them; rd bind-mounts the VM's)`);
    if (owners) say(`gave ${owners} file${owners === 1 ? '' : 's'} owned by ids above 65535 to nobody (65534)`);
    const record: ImageRecord = { name, bytes: fs.statSync(tar).size, source: path.resolve(file), kind: source.kind };
    const images = [...listImages(), record];
    await buildDisk(images, staging, { [name]: tar });
    fs.renameSync(tar, path.join(tarsDir(), `${name}.tar`));
    fs.renameSync(path.join(staging, 'images.erofs'), imagesDisk());
    writeFileAtomic(listFile(), JSON.stringify(images, null, 2) + '\n');
    return record;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** A temp folder in the store to make a change in; an ImageError where the store cannot be written. */
function makeStaging(prefix: string): string {
  try {
    fs.mkdirSync(tarsDir(), { recursive: true });
    return makeTemp(prefix, imagesDir());
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (!['EACCES', 'EPERM', 'EROFS'].includes(code)) throw e;
    throw new ImageError(`added images are kept in ${imagesDir()}, which cannot be written here (${code}): set RUBBER_WORKSHOP_IMAGES to a folder of yours to keep them there`);
  }
}

/** Removes an added image. */
export async function removeImage(name: string): Promise<void> {
  const images = listImages();
  if (BUILT_IN_IMAGES.includes(name)) throw new ImageError(`${name} is a built-in image: it cannot be removed`);
  if (!images.some((i) => i.name === name)) {
    const names = images.map((i) => i.name).join(', ');
    throw new ImageError(`no added image is called "${name}"${names ? ` (added: ${names})` : ' (none is added)'}`);
  }
  const rest = images.filter((i) => i.name !== name);
  const staging = makeStaging('rm-');
  try {
    if (rest.length) {
      await buildDisk(rest, staging, {});
      fs.renameSync(path.join(staging, 'images.erofs'), imagesDisk());
    } else fs.rmSync(imagesDisk(), { force: true });
    writeFileAtomic(listFile(), JSON.stringify(rest, null, 2) + '\n');
    fs.rmSync(path.join(tarsDir(), `${name}.tar`), { force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Writes STAGING/images.erofs holding `<name>.tar` for each image (from the store, or `fresh` for new ones),
 * owned by the sandbox's root, padded to the disk's one size.
 */
async function buildDisk(images: ImageRecord[], staging: string, fresh: Record<string, string>): Promise<void> {
  const total = images.reduce((sum, i) => sum + i.bytes, 0);
  if (total > IMAGES_DISK_BYTES * 0.95)
    throw new ImageError(`all added images would take ${mib(total)}, more than the VM's images disk holds (${mib(IMAGES_DISK_BYTES)}): remove one with rubber-workshop image rm NAME`);
  const tree = path.join(staging, 'disk');
  fs.mkdirSync(tree);
  for (const { name } of images) fs.linkSync(fresh[name] ?? path.join(tarsDir(), `${name}.tar`), path.join(tree, `${name}.tar`));
  const disk = path.join(staging, 'images.erofs');
  await run('mkfs.erofs', ['--quiet', `--force-uid=${SANDBOX_ROOT_ID}`, `--force-gid=${SANDBOX_ROOT_ID}`, '-T0', disk, tree]);
  fs.truncateSync(disk, IMAGES_DISK_BYTES);
}

/**
 * The disk of added images for a VM: the store's, or an empty one in `tmp` (sparse, so free) when none is
 * added: every machine has the disk, as a saved guest restores only onto the devices it was saved with.
 */
export function imagesDiskFor(tmp: string): string {
  if (fs.existsSync(imagesDisk())) return imagesDisk();
  const empty = path.join(tmp, 'no-images.disk');
  fs.writeFileSync(empty, '');
  fs.truncateSync(empty, IMAGES_DISK_BYTES);
  return empty;
}
