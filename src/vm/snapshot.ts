import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cacheDir } from '../paths.js';
import { toolPath } from '../../rootfs-scripts/host-tools.mjs';
import { ConsoleParser } from './protocol.js';
import { makeVmTemp, qemuBinary, startQemu, writePayloadDisk, payloadArchive } from './qemu.js';
import type { Assets } from './assets.js';
import { TCG_CPU, TCG_KERNEL_ARGS, type Accel } from './machine.js';

/**
 * A saved, already-booted guest: restoring it skips the kernel boot and Node's cold start (≈ 4 s under TCG).
 * It is only valid for the exact assets, QEMU binary, accelerator, memory size, CPU (the host's with KVM, the
 * emulated one with TCG) and (with TCG) the kernel arguments it booted with: a restored guest keeps the template's.
 */
export function snapshotKey(assets: Assets, accel: Accel, memoryMiB = 256): string | null {
  const found = toolPath('qemu-system-x86_64');
  const qemu = found && fs.realpathSync(found);
  if (!qemu) return null;
  const st = fs.statSync(qemu);
  const cpu = accel === 'kvm' ? /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '' : TCG_CPU;
  const kernelArgs = accel === 'tcg' ? TCG_KERNEL_ARGS.join(' ') : '';
  return createHash('sha256').update([assets.digest, qemu, st.size, st.mtimeMs, accel, memoryMiB, cpu, kernelArgs].join('\0')).digest('hex');
}

const fileFor = (key: string) => path.join(cacheDir(), `snapshot-${key.slice(0, 16)}.state`);

/** The snapshot to restore for this machine, or null to boot from scratch. */
export function findSnapshot(assets: Assets, accel: Accel, memoryMiB?: number): string | null {
  const key = snapshotKey(assets, accel, memoryMiB);
  const file = key && fileFor(key);
  return file && fs.existsSync(file) ? file : null;
}

const failed = new Set<string>();
const saving = new Map<string, Promise<boolean>>();

/**
 * Whether runs on this machine would boot from scratch for want of a saved guest that could be made here: QEMU
 * was updated, rubber-workshop's emulated CPU changed, or a saved guest would not load and was removed. Not
 * under RUBBER_WORKSHOP_SNAPSHOT=0, nor where the cache is read-only (assets baked into an image), nor after
 * saving failed once in this process.
 */
export function guestToSave(assets: Assets, accel: Accel, env = process.env): boolean {
  if (env.RUBBER_WORKSHOP_SNAPSHOT === '0') return false;
  const key = snapshotKey(assets, accel);
  if (!key || failed.has(key) || fs.existsSync(fileFor(key))) return false;
  // Writing is the one test of writable that read-only mounts, permissions and root all answer truly.
  const probe = path.join(cacheDir(), `.write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Saves the booted guest that guestToSave found missing (once; a boot from scratch costs every run ≈ 4 s under TCG), and
 * says whether it did. Never throws: if saving fails, runs boot from scratch as before. One save at a time.
 */
export function saveGuest(assets: Assets, accel: Accel): Promise<boolean> {
  const key = snapshotKey(assets, accel);
  if (!key) return Promise.resolve(false);
  const inFlight = saving.get(key) ?? buildSnapshot(assets, accel).then(
    () => true,
    () => (failed.add(key), false),
  ).finally(() => saving.delete(key));
  saving.set(key, inFlight);
  return inFlight;
}

/** Boots a template guest, lets it warm up, and saves it to the cache; returns the snapshot file. */
export async function buildSnapshot(assets: Assets, accel: Accel, timeoutMs = 120_000): Promise<string> {
  const key = snapshotKey(assets, accel);
  if (!key) throw new Error(`${qemuBinary()} not found`);
  const file = fileFor(key);
  const tmp = makeVmTemp();
  const payloadFile = path.join(tmp, 'payload.cpio');
  const monitor = path.join(tmp, 'monitor.sock');
  const partial = `${file}.tmp-${process.pid}`;
  writePayloadDisk(payloadFile, payloadArchive([]));
  const { child, forget } = startQemu({ assets, accel, payloadFile, template: { monitor } }, tmp);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await waitForReady(child.stdout, closed);
    await saveOverMonitor(monitor, partial);
    fs.renameSync(partial, file);
    return file;
  } catch (e) {
    throw new Error(`could not save a booted VM: ${(e as Error).message}${stderr ? ` (${stderr.trim().split('\n').at(-1)})` : ''}`);
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    await closed;
    forget();
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
}

function waitForReady(stdout: NodeJS.ReadableStream, closed: Promise<number | null>): Promise<void> {
  const parser = new ConsoleParser('');
  return new Promise((resolve, reject) => {
    stdout.on('data', (chunk: Buffer) => {
      if (parser.push(chunk).some((e) => e.type === 'ready')) resolve();
    });
    closed.then(() => reject(new Error('the template VM stopped before it was ready')));
  });
}

/** Runs `migrate` on the human monitor and waits until QEMU reports it completed. */
async function saveOverMonitor(socket: string, file: string): Promise<void> {
  const conn = net.createConnection(socket);
  await new Promise<void>((resolve, reject) => conn.once('connect', resolve).once('error', reject));
  let text = '';
  conn.on('data', (d) => (text += d.toString()));
  const command = (line: string) => conn.write(line + '\n');
  try {
    command(`migrate "exec:cat > '${file.replace(/'/g, `'\\''`)}'"`);
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = '';
      command('info migrate');
      await new Promise((r) => setTimeout(r, 50));
      const status = /Migration status: (\w+)/.exec(text)?.[1];
      if (status === 'completed') return;
      if (status === 'failed' || status === 'cancelled') throw new Error(`migration ${status}`);
    }
    throw new Error('saving the VM took over a minute');
  } finally {
    conn.destroy();
  }
}
