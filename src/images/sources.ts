import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { innerPath, tarEntries } from './archive.js';
import { ImageError } from './error.js';

/** What `image add` was given, and the layer tars (each possibly compressed) to lay over each other in order. */
export interface Source {
  kind: 'root filesystem tarball' | 'docker-archive' | 'OCI archive' | 'OCI layout';
  layers: string[];
}

// The files of a `docker save` / `podman save` archive or an OCI archive: everything but these is a root
// filesystem's, which is never copied out of its archive.
const IMAGE_ARCHIVE_FILE = /^(manifest\.json|oci-layout|index\.json|[0-9a-f]{64}(\.json|\.tar|\/layer\.tar)|blobs\/[a-z0-9]+\/[0-9a-f]{32,128})$/;

/**
 * Finds the layers of `input`: an OCI layout folder, or an archive. An image archive's own files (manifests,
 * layer blobs) are copied into `staging` to be read by name; any other tar archive is a root filesystem itself.
 */
export async function findSource(input: string, staging: string, signal?: AbortSignal): Promise<Source> {
  if (fs.statSync(input).isDirectory()) {
    if (!fs.existsSync(path.join(input, 'oci-layout')))
      throw new ImageError(`${input} is a folder but not an OCI image layout (it has no oci-layout file): give an archive or an OCI layout`);
    return { kind: 'OCI layout', layers: ociLayers(input) };
  }
  let copied = 0;
  for await (const { header, stream } of tarEntries(input, signal)) {
    const name = innerPath(header.name).path;
    if (header.type !== 'file' || !IMAGE_ARCHIVE_FILE.test(name)) continue;
    fs.mkdirSync(path.dirname(path.join(staging, name)), { recursive: true });
    await pipeline(stream, fs.createWriteStream(path.join(staging, name)));
    copied++;
  }
  if (copied && fs.existsSync(path.join(staging, 'manifest.json'))) return { kind: 'docker-archive', layers: dockerLayers(staging) };
  if (copied && fs.existsSync(path.join(staging, 'oci-layout'))) return { kind: 'OCI archive', layers: ociLayers(staging) };
  return { kind: 'root filesystem tarball', layers: [input] };
}

function readJson(dir: string, file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch {
    throw new ImageError(`the image's ${what} (${file}) is missing or not JSON: the archive is damaged`);
  }
}

/** A file the image names, which must be inside it. */
function member(dir: string, name: unknown, what: string): string {
  const inner = typeof name === 'string' ? innerPath(name) : { path: '', escapes: true };
  const file = path.join(dir, inner.path);
  if (inner.escapes || !inner.path || !fs.existsSync(file)) throw new ImageError(`the image's ${what} ${String(name)} is not in the archive: it is damaged or incomplete`);
  return file;
}

/** docker-archive: manifest.json lists images, each with its layers in order (the first image is taken). */
function dockerLayers(dir: string): string[] {
  const manifest = readJson(dir, 'manifest.json', 'manifest') as { Layers?: unknown }[];
  const layers = Array.isArray(manifest) ? manifest[0]?.Layers : undefined;
  if (!Array.isArray(layers)) throw new ImageError('the archive\'s manifest.json lists no image with layers: it is not a docker save archive');
  return layers.map((l) => member(dir, l, 'layer'));
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  platform?: { os?: string; architecture?: string };
}

const blob = (dir: string, d: Descriptor | undefined, what: string) =>
  member(dir, typeof d?.digest === 'string' ? `blobs/${d.digest.replace(':', '/')}` : undefined, what);

/** OCI: index.json → (an index for several platforms →) a manifest → its layers, in order. */
function ociLayers(dir: string): string[] {
  let index = readJson(dir, 'index.json', 'index') as { manifests?: Descriptor[]; layers?: Descriptor[] };
  for (let depth = 0; depth < 4; depth++) {
    if (Array.isArray(index.layers)) return index.layers.map((l) => blob(dir, l, 'layer'));
    const manifests = index.manifests ?? [];
    const chosen = manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
      manifests.find((m) => !m.platform) ?? manifests[0];
    if (!chosen) break;
    const file = blob(dir, chosen, 'manifest');
    index = readJson(path.dirname(file), path.basename(file), 'manifest') as typeof index;
  }
  throw new ImageError('the OCI image has no manifest with layers: it is damaged or incomplete');
}
