import { addImage, IMAGE_MAX_BYTES, imagesDir, listImages, removeImage } from '../images/store.js';
import { paint } from '../ui/term.js';
import { loadAssets } from '../vm/assets.js';
import { parseCommand, usageError, type Command } from '../cli/args.js';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const help = '  -h, --help   show this help\n';

export const IMAGE_ADD = {
  name: 'image add',
  synopsis: 'rubber-workshop image add NAME FILE',
  about: `Adds your own container image, for rd run -i NAME in checks, shell and rd run, in every workspace.
FILE is a root filesystem tarball (.tar, .tar.gz, .tar.xz), a docker save / podman save archive, or an OCI
archive or layout folder; it is flattened into one tar, which must hold /bin/sh and unpack to at most
${mib(IMAGE_MAX_BYTES)}. NAME is [a-z0-9][a-z0-9._-]*, at most 64 characters, not a built-in image's. Nothing of a failed import is kept.

Options:
${help}`,
  options: {},
  maxPositionals: 2,
} as const;

export const IMAGE_LS = {
  name: 'image ls',
  synopsis: 'rubber-workshop image ls',
  about: `The images you added (name, size, what it was and where from), and the built-in ones.\n\nOptions:\n${help}`,
  options: {},
} as const;

export const IMAGE_RM = {
  name: 'image rm',
  synopsis: 'rubber-workshop image rm NAME',
  about: `Removes an image you added.\n\nOptions:\n${help}`,
  options: {},
  maxPositionals: 1,
} as const;

/** `rubber-workshop image add NAME FILE`: imports a learner's own image; nothing half-imported is kept. */
async function addCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const parsed = parseCommand(IMAGE_ADD, argv);
  if (!parsed) return 0;
  const [name, file] = parsed.positionals;
  if (!name || !file) throw usageError(IMAGE_ADD, 'give the image a NAME and the FILE it comes from');
  const say = (line: string) => process.stderr.write(paint('dim', line, false) + '\n');
  // Interrupted, the import keeps nothing (addImage cleans up) and the command ends as interrupted.
  const added = await addImage(name, file, say, signal).catch((e: unknown) => {
    if (signal.aborted) return null;
    throw e;
  });
  if (!added) return 130;
  console.log(`added ${added.name} (${mib(added.bytes)}, ${added.kind}): try rubber-workshop rd run -i ${added.name} -- /bin/sh`);
  return 0;
}

/** `rubber-workshop image ls`. */
async function lsCommand(argv: string[]): Promise<number> {
  if (!parseCommand(IMAGE_LS, argv)) return 0;
  const images = listImages();
  const builtIn = loadAssets()?.withDebian ? 'busybox, debian' : 'busybox (and debian after setup --debian)';
  console.log(`built in: ${builtIn}; added images are kept in ${imagesDir()}, at most ${mib(IMAGE_MAX_BYTES)} each`);
  if (!images.length) console.log('no image added yet: rubber-workshop image add NAME FILE');
  else for (const i of images) console.log(`${i.name}\t${mib(i.bytes)}\t${i.kind}: ${i.source}`);
  return 0;
}

/** `rubber-workshop image rm NAME`. */
async function rmCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand(IMAGE_RM, argv);
  if (!parsed) return 0;
  const [name] = parsed.positionals;
  if (!name) throw usageError(IMAGE_RM, 'name the image to remove (rubber-workshop image ls lists them)');
  await removeImage(name);
  console.log(`removed ${name}`);
  return 0;
}

export const add: Command = { spec: IMAGE_ADD, main: addCommand };
export const ls: Command = { spec: IMAGE_LS, main: lsCommand };
export const rm: Command = { spec: IMAGE_RM, main: rmCommand };
