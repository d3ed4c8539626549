import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { compressionOf, innerPath, tarEntries } from '../../src/images/archive.js';
import { ImageError } from '../../src/images/error.js';
import { addImage, IMAGE_MAX_BYTES, imagesDisk, imagesDir, listImages, removeImage } from '../../src/images/store.js';

type Entry = tar.Headers & { data?: string | Buffer };

/** A tar archive of these entries (files get their data, everything else none). */
async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => pack.on('end', resolve));
  for (const { data, ...header } of entries) pack.entry({ mode: 0o644, ...header }, data ?? '');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const shell: Entry[] = [
  { name: 'bin/', type: 'directory', mode: 0o755 },
  { name: 'bin/busybox', mode: 0o755, data: '#!busybox' },
  { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
];

let cache: string;
let work: string;
const env = process.env.RUBBER_WORKSHOP_CACHE;
beforeEach(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-images-cache-'));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-images-'));
  process.env.RUBBER_WORKSHOP_CACHE = cache;
});
afterEach(() => {
  process.env.RUBBER_WORKSHOP_CACHE = env;
  fs.rmSync(cache, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

const file = (name: string, data: Buffer | string) => {
  const f = path.join(work, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
  return f;
};

/** The added image's entries: name → [type, uid, data]. */
async function contents(name: string): Promise<Map<string, [string, number, string]>> {
  const out = new Map<string, [string, number, string]>();
  for await (const { header, stream } of tarEntries(path.join(imagesDir(), 'tars', `${name}.tar`))) {
    let data = '';
    for await (const c of stream) data += c;
    out.set(innerPath(header.name).path, [header.type ?? 'file', header.uid ?? 0, data]);
  }
  return out;
}

/** What the store holds besides its images: nothing half-imported may stay. */
const leftovers = () => (fs.existsSync(imagesDir()) ? fs.readdirSync(imagesDir()).filter((f) => !['tars', 'images.json', 'images.erofs'].includes(f)) : []);

describe('archive helpers', () => {
  test('tells compressed archives and tars from anything else', async () => {
    const plain = await tarOf(shell);
    expect(compressionOf(plain)).toBe('none');
    expect(compressionOf(zlib.gzipSync(plain))).toBe('gzip');
    expect(compressionOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1]))).toBe('xz');
    expect(compressionOf(Buffer.from('hello, not an archive'))).toBeNull();
  });

  test('paths inside an archive are relative to its root, and a way out is noticed', () => {
    expect(innerPath('./etc/passwd')).toEqual({ path: 'etc/passwd', escapes: false });
    expect(innerPath('/usr/bin/../lib/')).toEqual({ path: 'usr/lib', escapes: false });
    expect(innerPath('./')).toEqual({ path: '', escapes: false });
    expect(innerPath('../../etc/shadow')).toEqual({ path: 'etc/shadow', escapes: true });
  });
});

describe('image add', () => {
  test('a root filesystem tarball (gzip) becomes one tar, without device nodes, with ids the sandbox maps', async () => {
    const rootfs = await tarOf([
      { name: './', type: 'directory', mode: 0o755 },
      ...shell,
      { name: './marker', data: 'marker-7' },
      { name: './dev/null', type: 'character-device', devmajor: 1, devminor: 3 },
      { name: './home/big', data: 'far away', uid: 70000, gid: 70000 },
    ]);
    const added = await addImage('mine', file('rootfs.tar.gz', zlib.gzipSync(rootfs)));
    expect(added).toMatchObject({ name: 'mine', kind: 'root filesystem tarball' });
    const c = await contents('mine');
    expect(c.get('marker')).toEqual(['file', 0, 'marker-7']);
    expect(c.has('dev/null')).toBe(false);
    expect(c.get('home/big')?.[1]).toBe(65534);
    expect(c.get('proc')?.[0]).toBe('directory'); // a mount point rd needs, added
    expect(listImages().map((i) => i.name)).toEqual(['mine']);
    expect(fs.statSync(imagesDisk()).size).toBe(2 * 1024 ** 3);
    expect(leftovers()).toEqual([]);
  });

  test('a .tar.xz, unpacked by the host\'s xz', async () => {
    const f = file('rootfs.tar', await tarOf([...shell, { name: 'etc/xz', data: 'from xz' }]));
    execFileSync('xz', ['-z', f]);
    expect((await addImage('xz', `${f}.xz`)).kind).toBe('root filesystem tarball');
    expect((await contents('xz')).get('etc/xz')?.[2]).toBe('from xz');
  });

  test('a docker save archive: layers applied in order, with whiteouts and opaque folders', async () => {
    const lower = await tarOf([...shell, { name: 'etc/a', data: 'a' }, { name: 'etc/b', data: 'b' }, { name: 'opt/x/y', data: 'y' }, { name: 'opt/keep', data: '1' }, { name: 'srv/d/inner', data: 'i' }]);
    const upper = await tarOf([{ name: 'etc/.wh.a', data: '' }, { name: 'opt/.wh..wh..opq', data: '' }, { name: 'opt/z', data: 'z' }, { name: 'etc/b', data: 'B' }, { name: 'srv/d', data: 'a file now' }]);
    const id = (n: number) => createHash('sha256').update(String(n)).digest('hex');
    const docker = await tarOf([
      { name: `${id(1)}/layer.tar`, data: lower }, { name: `${id(2)}/layer.tar`, data: upper },
      { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', RepoTags: ['x:1'], Layers: [`${id(1)}/layer.tar`, `${id(2)}/layer.tar`] }]) },
    ]);
    expect((await addImage('layered', file('image.tar', docker))).kind).toBe('docker-archive');
    const c = await contents('layered');
    expect(c.has('etc/a')).toBe(false);
    expect(c.get('etc/b')?.[2]).toBe('B');
    expect([c.has('opt/x/y'), c.has('opt/x'), c.has('opt/keep'), c.get('opt/z')?.[2]]).toEqual([false, false, false, 'z']);
    expect([c.get('srv/d')?.[2], c.has('srv/d/inner')]).toEqual(['a file now', false]);
  });

  test('an OCI archive: index, manifest and gzip layer blobs found by digest', async () => {
    const layer = zlib.gzipSync(await tarOf([...shell, { name: 'etc/os', data: 'oci' }]));
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const manifest = Buffer.from(JSON.stringify({ layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${digest(layer)}` }] }));
    const index = { manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${digest(manifest)}`, platform: { os: 'linux', architecture: 'amd64' } }] };
    const oci = await tarOf([
      { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', data: JSON.stringify(index) },
      { name: `blobs/sha256/${digest(manifest)}`, data: manifest }, { name: `blobs/sha256/${digest(layer)}`, data: layer },
    ]);
    expect((await addImage('oci', file('oci.tar', oci))).kind).toBe('OCI archive');
    expect((await contents('oci')).get('etc/os')?.[2]).toBe('oci');
    // The same, unpacked: an OCI layout folder.
    const dir = path.join(work, 'layout');
    fs.mkdirSync(dir);
    execFileSync('tar', ['-xf', file('oci2.tar', oci), '-C', dir]);
    expect((await addImage('oci-dir', dir)).kind).toBe('OCI layout');
    expect(listImages().map((i) => i.name)).toEqual(['oci', 'oci-dir']);
  });

  test('image rm removes the image and its place on the disk; the last one takes the disk with it', async () => {
    const f = file('r.tar', await tarOf(shell));
    await addImage('one', f);
    await addImage('two', f);
    await removeImage('one');
    expect(listImages().map((i) => i.name)).toEqual(['two']);
    expect(fs.existsSync(path.join(imagesDir(), 'tars/one.tar'))).toBe(false);
    expect(fs.existsSync(imagesDisk())).toBe(true);
    await removeImage('two');
    expect(fs.existsSync(imagesDisk())).toBe(false);
    await expect(removeImage('two')).rejects.toThrow(/no added image is called "two" \(none is added\)/);
    await expect(removeImage('busybox')).rejects.toThrow(/built-in image: it cannot be removed/);
  });
});

describe('image add refuses bad input, and keeps nothing of it', () => {
  const refused = async (name: string, input: string, message: RegExp) => {
    const err = await addImage(name, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    expect(listImages()).toEqual([]);
    expect(leftovers()).toEqual([]);
    expect(fs.existsSync(path.join(imagesDir(), 'tars', `${name}.tar`))).toBe(false);
  };

  test('not an archive', () => refused('x', file('notes.txt', 'just some text\n'.repeat(100)), /notes\.txt is not a tar archive/));
  test('a damaged archive', async () => refused('x', file('cut.tar.gz', zlib.gzipSync(await tarOf(shell)).subarray(0, 60)), /cut\.tar\.gz is not a valid tar archive/));
  test('no /bin/sh inside', async () => refused('x', file('nosh.tar', await tarOf([{ name: 'etc/motd', data: 'hi' }])), /has no \/bin\/sh/));
  test('a /bin/sh link that leads nowhere', async () =>
    refused('x', file('dangling.tar', await tarOf([{ name: 'bin/sh', type: 'symlink', linkname: '/usr/bin/dash' }])), /has no \/bin\/sh/));
  test('an entry outside the root', async () => refused('x', file('evil.tar', await tarOf([...shell, { name: '../../etc/cron.d/x', data: 'x' }])), /outside its root/));
  test('larger than the guest can hold', async () => {
    const big = await tarOf([...shell, { name: 'big', data: Buffer.alloc(IMAGE_MAX_BYTES) }]);
    await refused('x', file('big.tar', big), /unpacks to 100\.0 MiB, more than the 100\.0 MiB the VM can unpack/);
  });
  test('a name that is not [a-z0-9][a-z0-9._-]*', async () => {
    const f = file('ok.tar', await tarOf(shell));
    for (const name of ['Ubuntu', '-x', '.x', 'a/b', '', 'x'.repeat(65)]) await refused(name, f, /is not an image name/);
  });
  test('a built-in name, or one already added', async () => {
    const f = file('ok.tar', await tarOf(shell));
    await refused('busybox', f, /busybox is a built-in image/);
    await addImage('mine', f);
    await expect(addImage('mine', f)).rejects.toThrow(/mine is already added: remove it first with rubber-workshop image rm mine/);
  });
  test('a folder that is not an OCI layout, and a file that is not there', async () => {
    await refused('x', work, /is a folder but not an OCI image layout/);
    await refused('x', path.join(work, 'missing.tar'), /missing\.tar: no such file/);
  });
  test('an interrupted import', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(addImage('x', file('ok.tar', await tarOf(shell)), () => {}, controller.signal)).rejects.toThrow();
    expect(listImages()).toEqual([]);
    expect(leftovers()).toEqual([]);
  });
});
