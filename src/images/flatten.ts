import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { innerPath, tarEntries } from './archive.js';
import { ImageError } from './error.js';

/** The entry of a layer that is in the flattened image: which layer, and which entry of it. */
interface Kept {
  layer: number;
  seq: number;
  header: tar.Headers;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const FILE_TYPES = new Set(['file', 'contiguous-file']);
const KEPT_TYPES = new Set([...FILE_TYPES, 'directory', 'symlink', 'link', 'fifo']);
/** The highest id the guest's sandbox maps (vm/harness: 0-65535); anything above becomes nobody. */
const MAX_ID = 65535;
const NOBODY = 65534;
const MOUNT_POINTS: [string, number][] = [['proc', 0o555], ['sys', 0o555], ['dev', 0o755], ['tmp', 0o1777]];

/** Removes what `layer` hides of the layers below it: `dir`'s contents (and `dir` itself unless `keepDir`). */
function hide(kept: Map<string, Kept>, dir: string, layer: number, keepDir = false): void {
  if (!keepDir && (kept.get(dir)?.layer ?? layer) < layer) kept.delete(dir);
  const prefix = dir ? `${dir}/` : '';
  for (const [name, k] of kept) if (name.startsWith(prefix) && name !== dir && k.layer < layer) kept.delete(name);
}

/**
 * Which entry of which layer each path of the flattened image comes from: layers in order, each replacing
 * what it names, with OCI/AUFS whiteouts (`.wh.NAME` removes NAME, `.wh..wh..opq` empties its folder).
 */
export async function mergeLayers(layers: string[], signal?: AbortSignal): Promise<{ kept: Map<string, Kept>; devices: number }> {
  const kept = new Map<string, Kept>();
  const parents = new Set<string>();
  let devices = 0;
  for (const [layer, file] of layers.entries()) {
    let seq = 0;
    for await (const { header } of tarEntries(file, signal)) {
      const at = seq++;
      const { path: name, escapes } = innerPath(header.name);
      if (escapes) throw new ImageError(`${path.basename(file)} has an entry outside its root (${header.name}): refused`);
      if (!name) continue;
      const base = path.posix.basename(name);
      const dir = name.includes('/') ? path.posix.dirname(name) : '';
      if (base === OPAQUE) hide(kept, dir, layer, true);
      else if (base.startsWith(WHITEOUT)) hide(kept, dir ? `${dir}/${base.slice(WHITEOUT.length)}` : base.slice(WHITEOUT.length), layer);
      else if (KEPT_TYPES.has(header.type ?? 'file')) {
        // A file over a folder of a lower layer replaces it and its contents (only a parent can have any: the
        // scan of the whole map stays rare).
        if (header.type !== 'directory' && parents.has(name)) hide(kept, name, layer);
        kept.set(name, { layer, seq: at, header });
        for (let p = dir; p && !parents.has(p); p = p.includes('/') ? path.posix.dirname(p) : '') parents.add(p);
      } else if (header.type === 'character-device' || header.type === 'block-device') {
        hide(kept, name, layer);
        devices++;
      }
    }
  }
  return { kept, devices };
}

/** Follows symbolic links inside the image from its root, as a chroot would; the entry `name` ends at. */
export function resolveInImage(kept: Map<string, Kept>, name: string): Kept | undefined {
  let rest = innerPath(name).path.split('/');
  let at = '';
  for (let hops = 0; rest.length && hops < 40; ) {
    const next = at ? `${at}/${rest[0]}` : rest[0];
    const k = kept.get(next);
    if (!k) return undefined;
    rest = rest.slice(1);
    if (k.header.type === 'symlink') {
      hops++;
      const target = k.header.linkname ?? '';
      rest = [...innerPath(target.startsWith('/') ? target : path.posix.join(at, target)).path.split('/').filter(Boolean), ...rest];
      at = '';
    } else at = next;
  }
  return rest.length ? undefined : kept.get(at);
}

/** The size the image takes unpacked: its files' data, and a block for each entry. */
export function unpackedBytes(kept: Map<string, Kept>): number {
  let bytes = 0;
  for (const { header } of kept.values()) bytes += 512 + (FILE_TYPES.has(header.type ?? 'file') ? header.size ?? 0 : 0);
  return bytes;
}

/** An executable /bin/sh (through links): rd runs commands with it and the shell needs it. */
export function hasShell(kept: Map<string, Kept>): boolean {
  const sh = resolveInImage(kept, 'bin/sh');
  return sh !== undefined && (FILE_TYPES.has(sh.header.type ?? 'file') || sh.header.type === 'link') && ((sh.header.mode ?? 0) & 0o111) !== 0;
}

/**
 * Writes the merged layers as one tar at `out`: the entries `mergeLayers` kept, in layer order, and the usual
 * mount points where the image has none; returns how many owners were given to nobody.
 */
export async function writeFlat(layers: string[], kept: Map<string, Kept>, out: string, signal?: AbortSignal): Promise<number> {
  const pack = tar.pack();
  const written = pipeline(pack, fs.createWriteStream(out, { mode: 0o644 }));
  let owners = 0;
  const id = (n: number | undefined) => ((n ?? 0) > MAX_ID ? (owners++, NOBODY) : n ?? 0);
  try {
    for (const [layer, file] of layers.entries()) {
      let seq = 0;
      for await (const { header, stream } of tarEntries(file, signal)) {
        const at = seq++;
        const name = innerPath(header.name).path;
        const k = kept.get(name);
        if (!name || k?.layer !== layer || k.seq !== at) continue;
        // A hard link whose target a later layer removed has nothing to point at.
        const linkname = header.type === 'link' ? innerPath(header.linkname ?? '').path : header.linkname;
        if (header.type === 'link' && !kept.has(linkname ?? '')) continue;
        const isFile = FILE_TYPES.has(header.type ?? 'file');
        const entry = pack.entry({
          name, type: isFile ? 'file' : header.type, mode: header.mode, uid: id(header.uid), gid: id(header.gid),
          mtime: header.mtime, linkname, size: isFile ? header.size : 0,
        });
        if (isFile) await pipeline(stream, entry);
        else {
          entry.end();
          await once(entry, 'finish');
        }
      }
    }
    // Where every runtime mounts (rd mounts /proc, …): an image made FROM scratch may not have them.
    for (const [name, mode] of MOUNT_POINTS) if (!resolveInImage(kept, name)) pack.entry({ name, type: 'directory', mode }).end();
    pack.finalize();
    await written;
  } catch (e) {
    pack.destroy();
    await written.catch(() => {});
    throw e;
  }
  return owners;
}
