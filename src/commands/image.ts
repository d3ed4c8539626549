import { addImage, IMAGE_MAX_BYTES, imagesDir, listImages, removeImage } from '../images/store.js';
import { paint } from '../ui/term.js';
import { loadAssets } from '../vm/assets.js';
import { UsageError } from './vm-exec.js';

const USAGE = `usage: rubber-workshop image add NAME FILE | image ls | image rm NAME
  FILE: a root filesystem tarball (.tar, .tar.gz, .tar.xz), a docker save / podman save archive, or an OCI
  archive or layout folder; then rd run -i NAME works in checks, shells and rd run`;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `rubber-workshop image add|ls|rm`: the learner's own container images, for every workspace. */
export async function image(argv: string[], signal: AbortSignal): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === 'add' && args.length === 2) {
    const [name, file] = args;
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
  if (sub === 'ls' && !args.length) {
    const images = listImages();
    const builtIn = loadAssets()?.withDebian ? 'busybox, debian' : 'busybox (and debian after setup --debian)';
    console.log(`built in: ${builtIn}; added images are kept in ${imagesDir()}, at most ${mib(IMAGE_MAX_BYTES)} each`);
    if (!images.length) console.log('no image added yet: rubber-workshop image add NAME FILE');
    else for (const i of images) console.log(`${i.name}\t${mib(i.bytes)}\t${i.kind}: ${i.source}`);
    return 0;
  }
  if (sub === 'rm' && args.length === 1) {
    await removeImage(args[0]);
    console.log(`removed ${args[0]}`);
    return 0;
  }
  throw new UsageError(USAGE);
}
