import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { MissingToolError, toolPath } from '../../rootfs-scripts/host-tools.mjs';
import { ImageError } from './error.js';


export type Compression = 'gzip' | 'xz' | 'zstd' | 'none';

/** How a file is compressed, from its first bytes; null when it is neither compressed nor a tar archive. */
export function compressionOf(head: Buffer): Compression | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  return head.subarray(257, 262).toString('latin1') === 'ustar' ? 'none' : null;
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(512);
    return head.subarray(0, fs.readSync(fd, head, 0, 512, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** The tar stream inside `file`, decompressed (gzip by Node; xz and zstd by the host's tools). */
export function openTar(file: string): Readable {
  const compression = compressionOf(readHead(file));
  if (compression === null) throw new ImageError(`${path.basename(file)} is not a tar archive (.tar, .tar.gz, .tar.xz), nor a compressed one`);
  if (compression === 'none') return fs.createReadStream(file);
  if (compression === 'gzip') return fs.createReadStream(file).pipe(zlib.createGunzip());
  return decompressedBy(compression, file);
}

function decompressedBy(tool: 'xz' | 'zstd', file: string): Readable {
  const command = toolPath(tool);
  if (!command) throw new MissingToolError([tool]);
  const child = spawn(command, ['-dc', '--', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  child.stderr.on('data', (d: Buffer) => (said += d.toString()));
  child.on('close', (code) => {
    if (code) child.stdout.destroy(new ImageError(`${path.basename(file)} could not be decompressed by ${tool}: ${said.trim().split('\n').at(-1)}`));
  });
  return child.stdout;
}

export interface TarEntry {
  header: tar.Headers;
  /** The entry's data; drained for you when the loop moves on without reading it. */
  stream: Readable;
}

/** Every entry of the tar inside `file`, in order; a file that is not a valid tar archive ends in an ImageError. */
export async function* tarEntries(file: string, signal?: AbortSignal): AsyncGenerator<TarEntry> {
  const extract = tar.extract();
  const input = openTar(file);
  input.on('error', (e) => extract.destroy(e));
  input.pipe(extract);
  try {
    for await (const entry of extract) {
      signal?.throwIfAborted();
      yield { header: entry.header, stream: entry };
      entry.resume();
    }
  } catch (e) {
    throw e instanceof ImageError || e instanceof MissingToolError || signal?.aborted ? e : new ImageError(`${path.basename(file)} is not a valid tar archive (${(e as Error).message})`);
  } finally {
    input.destroy();
  }
}

/**
 * A path inside an archive, relative to its root ('' for the root itself): leading '/' and './' dropped,
 * '.' and '..' resolved. `escapes` says that '..' went above the root (the path then stops at the root, as it
 * would in a chroot).
 */
export function innerPath(name: string): { path: string; escapes: boolean } {
  const parts: string[] = [];
  let escapes = false;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.length) parts.pop();
    else escapes = true;
  }
  return { path: parts.join('/'), escapes };
}
