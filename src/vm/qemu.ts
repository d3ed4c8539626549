// Starting QEMU, shared by every kind of run (a check, a shell, the saved booted guest): its binary, its
// temp folder and payload disk, and the guarantee that it does not outlive this process.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { makeTemp } from '../temp.js';
import { cpio, type CpioEntry } from './cpio.js';
import { PAYLOAD_DISK_BYTES, qemuArgs, type MachineSpec } from './machine.js';
import { toolCommand } from '../../rootfs-scripts/host-tools.mjs';
import { imagesDiskFor } from '../images/store.js';

/** The QEMU binary to run: RUBBER_WORKSHOP_QEMU, else qemu-system-x86_64. */
export const qemuBinary = (env = process.env) => toolCommand('qemu-system-x86_64', env);

const TEMP_PREFIX = 'rubber-workshop-';
const live = new Set<{ child: ChildProcess; tmp: string }>();

// A run must not outlive its process: QEMU also gets SIGKILL from the kernel if we die (setpriv --pdeathsig).
process.once('exit', () => {
  for (const { child, tmp } of live) {
    child.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

let setprivPath: string | null | undefined;
function setpriv(): string | null {
  if (setprivPath === undefined) {
    setprivPath = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p)) ?? null;
  }
  return setprivPath;
}

/** A temp folder for one QEMU's files; see makeTemp. */
export const makeVmTemp = () => makeTemp(TEMP_PREFIX);

/** The run's payload as the harness reads it: a cpio archive, no larger than the disk that carries it. */
export function payloadArchive(entries: CpioEntry[]): Buffer {
  const archive = cpio(entries, 512);
  if (archive.length > PAYLOAD_DISK_BYTES)
    throw new Error(`the run's payload is ${archive.length} bytes, more than the ${PAYLOAD_DISK_BYTES} the VM's disk holds`);
  return archive;
}

/** Writes a payload disk (a file, or one open for QEMU already): the archive, padded to the one size every guest expects. */
export function writePayloadDisk(target: string | number, archive: Buffer): void {
  const fd = typeof target === 'number' ? target : fs.openSync(target, 'w');
  try {
    fs.writeSync(fd, archive, 0, archive.length, 0);
    fs.ftruncateSync(fd, PAYLOAD_DISK_BYTES);
  } finally {
    if (typeof target !== 'number') fs.closeSync(fd);
  }
}

export type QemuProcess = ChildProcess & { stdin: NodeJS.WritableStream; stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream };

/** The host's answer to the guest's "ready": fresh randomness and the clock, for a restored guest. */
export const goLine = () => `go ${randomBytes(32).toString('hex')} ${Math.floor(Date.now() / 1000)}\n`;

/**
 * Starts QEMU for `spec` with the added images, tracked so that it is killed and `tmp` removed if this process
 * exits; with setpriv, the kernel also kills it if this process dies without a chance to clean up.
 */
export function startQemu(spec: Omit<MachineSpec, 'imagesFile'>, tmp: string): { child: QemuProcess; forget: () => void } {
  const args = qemuArgs({ ...spec, imagesFile: imagesDiskFor(tmp) });
  const wrapper = setpriv();
  // Node's pipes are socket pairs: with spec.control, fds 3 and 4 are the control port's and the second terminal's.
  const stdio: StdioOptions = spec.control ? ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] : 'pipe';
  const child = wrapper
    ? spawn(wrapper, ['--pdeathsig', 'KILL', '--', qemuBinary(), ...args], { stdio })
    : spawn(qemuBinary(), args, { stdio });
  const entry = { child, tmp };
  live.add(entry);
  return { child: child as QemuProcess, forget: () => live.delete(entry) };
}

/** A started QEMU whose payload disk is still open here, to be written before the guest is told "go". */
export interface Machine {
  child: QemuProcess;
  /** Stops tracking it (once it has been killed and its folder removed). */
  forget: () => void;
  tmp: string;
  payloadFd: number;
}

/**
 * Starts QEMU on an empty payload disk, kept open: the payload goes in now, or (a spare, src/vm/spare.ts) once
 * a check needs it. The harness reads the disk only after "go", flushing its cache first.
 */
export function startMachine(spec: Omit<MachineSpec, 'imagesFile' | 'payloadFile'>): Machine {
  const tmp = makeVmTemp();
  const payloadFile = `${tmp}/payload.cpio`;
  let payloadFd: number | undefined;
  try {
    payloadFd = fs.openSync(payloadFile, 'w+');
    fs.ftruncateSync(payloadFd, PAYLOAD_DISK_BYTES);
    return { ...startQemu({ ...spec, payloadFile }, tmp), tmp, payloadFd };
  } catch (e) {
    if (payloadFd !== undefined) fs.closeSync(payloadFd);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Kills a machine's QEMU and lets go of its files: once per machine. */
export function endMachine(m: Machine): void {
  m.child.kill('SIGKILL');
  m.forget();
  fs.rmSync(m.tmp, { recursive: true, force: true });
  fs.closeSync(m.payloadFd);
}
