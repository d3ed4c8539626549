/** A newc ("070701") cpio writer: the guest's initramfs and per-run payload, with no external tool and no root. */

export interface CpioEntry {
  /** Path inside the archive, without a leading slash. */
  path: string;
  /** 'file' needs data; 'dir' and 'symlink' (target in data) too are supported. */
  type: 'file' | 'dir' | 'symlink';
  mode?: number;
  data?: Buffer | string;
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function header(ino: number, mode: number, size: number, name: string): Buffer {
  const nameBytes = Buffer.from(name + '\0');
  const fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, nameBytes.length, 0];
  const text = '070701' + fields.map(hex8).join('');
  return Buffer.concat([Buffer.from(text, 'ascii'), nameBytes, Buffer.alloc(pad4(110 + nameBytes.length))]);
}

/**
 * Builds an archive. Entries keep their order, so parents must come before children.
 * `blockSize` pads the whole archive (a block device must be a whole number of sectors).
 */
export function cpio(entries: CpioEntry[], blockSize = 4): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => {
    const data = e.type === 'dir' ? Buffer.alloc(0) : Buffer.from(e.data ?? '');
    const kind = e.type === 'dir' ? S_IFDIR : e.type === 'symlink' ? S_IFLNK : S_IFREG;
    const perm = e.mode ?? (e.type === 'dir' ? 0o755 : e.type === 'symlink' ? 0o777 : 0o644);
    parts.push(header(i + 1, kind | perm, data.length, e.path.replace(/^\/+/, '')), data, Buffer.alloc(pad4(data.length)));
  });
  parts.push(header(0, 0, 0, 'TRAILER!!!'));
  const body = Buffer.concat(parts);
  const rest = body.length % blockSize;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(blockSize - rest)]);
}

/** Parses an archive back into entries (for tests and for checking assets). */
export function parseCpio(buf: Buffer): CpioEntry[] {
  const out: CpioEntry[] = [];
  let off = 0;
  while (off + 110 <= buf.length) {
    if (buf.toString('ascii', off, off + 6) !== '070701') throw new Error(`bad cpio magic at ${off}`);
    const field = (i: number) => parseInt(buf.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
    const mode = field(1);
    const size = field(6);
    const nameLen = field(11);
    const name = buf.toString('utf8', off + 110, off + 110 + nameLen - 1);
    off += 110 + nameLen + pad4(110 + nameLen);
    if (name === 'TRAILER!!!') break;
    const data = buf.subarray(off, off + size);
    off += size + pad4(size);
    const kind = mode & 0o170000;
    const type = kind === S_IFDIR ? 'dir' : kind === S_IFLNK ? 'symlink' : 'file';
    out.push({ path: name, type, mode: mode & 0o7777, data: type === 'dir' ? undefined : Buffer.from(data) });
  }
  return out;
}
