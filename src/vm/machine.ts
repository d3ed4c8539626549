import fs from 'node:fs';
import type { Assets } from './assets.js';

export type Accel = 'kvm' | 'tcg';

export interface MachineSpec {
  assets: Assets;
  accel: Accel;
  /** The per-run payload: a cpio archive the harness unpacks from the second disk, PAYLOAD_DISK_BYTES long. */
  payloadFile: string;
  /** The learner's added images (src/images/store.ts: an erofs disk, or an empty one), read-only. */
  imagesFile: string;
  memoryMiB?: number;
  /** Boot a template to be saved as a snapshot: warm the guest, and take monitor commands on this socket. */
  template?: { monitor: string };
  /** Resume from this saved snapshot instead of booting. */
  snapshot?: string;
  /**
   * An interactive session: the guest's control port (window sizes) is QEMU's fd 3, and its second terminal
   * (hvc0, for `shell --attach`) fd 4, both connected sockets.
   */
  control?: boolean;
}

/**
 * The name of the guest's control port (vm/harness looks for it). Every machine has the port and the second
 * terminal, in a session or not: a saved guest restores only onto the same devices.
 */
export const CONTROL_PORT = 'rw.ctl';

/** The payload disk has one fixed size, so a restored guest (which knows the template's disk) reads it whole. */
export const PAYLOAD_DISK_BYTES = 16 * 1024 * 1024;

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Without KVM the kernel calibrates the TSC against timers microvm does not have and may hang at random;
 * telling it the frequency avoids that. Under TCG the guest's TSC runs at the host's rate.
 */
export function hostTscKhz(cpuinfo = readCpuinfo()): number | null {
  const mhz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo)?.[1];
  return mhz ? Math.round(Number(mhz) * 1000) : null;
}

function readCpuinfo(): string {
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

/**
 * TCG's cache of translated code, in MiB. QEMU's default (1 GiB) fills with everything a long check runs: check 14
 * in one VM peaked at 1.04 GB of QEMU RSS, more than a grading pod's limit, which then killed the VM. Capped, the
 * cache is flushed when full and the code translated again.
 */
const TCG_TB_MIB = 256;

/**
 * Kernel arguments for an emulated guest only. norandmaps: QEMU 7.2's TCG keys translated code by the guest's
 * virtual address, so with address-space randomisation every Node process lands its binary and libraries at
 * new addresses and translates them afresh. Fixed addresses let each process reuse the last one's code:
 * measured in the guest, `node -e 0` 0.33 → 0.25 s and `rd run -- true` 1.03 → 0.78 s (medians of 8).
 * A throwaway VM whose learner code is confined to a user namespace gains nothing from randomisation.
 */
export const TCG_KERNEL_ARGS = ['norandmaps'];

/**
 * The emulated CPU. QEMU's `max` offers what TCG can emulate (5-level paging, SMAP and SMEP, AVX2 …), and the
 * guest's kernel, libc and V8 then use it at emulation's cost; the baseline qemu64 is cheaper. Measured in four
 * interleaved pairs (fresh boots, level 14's solution): `rd run -- true` 0.86–0.91 → 0.64–0.77 s, and QEMU's CPU
 * time for the same run 13.0–14.0 → 10.9–12.7 s.
 */
export const TCG_CPU = 'qemu64';

/** The QEMU command line: a microvm with the read-only root image, the run's payload and the added images as disks. */
export function qemuArgs(spec: MachineSpec, tscKhz = hostTscKhz()): string[] {
  const cmdline = ['console=ttyS0', 'quiet', 'loglevel=2', 'panic=-1', 'rdinit=/init'];
  if (spec.accel === 'tcg') cmdline.push(...TCG_KERNEL_ARGS);
  if (spec.accel === 'tcg' && tscKhz) cmdline.push(`tsc_early_khz=${tscKhz}`);
  if (spec.template) cmdline.push('rw.template=1');
  const disk = (id: string, file: string) => [
    '-drive', `id=${id},file=${file},format=raw,if=none,readonly=on`,
    '-device', `virtio-blk-device,drive=${id}`,
  ];
  return [
    '-M', 'microvm,x-option-roms=off',
    ...(spec.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', `tcg,tb-size=${TCG_TB_MIB}`, '-cpu', TCG_CPU]),
    '-m', String(spec.memoryMiB ?? 256),
    '-smp', '1',
    '-nodefaults', '-no-user-config', '-nographic', '-no-reboot',
    '-chardev', 'stdio,id=console,signal=off',
    '-serial', 'chardev:console',
    '-kernel', spec.assets.kernel,
    '-initrd', spec.assets.initramfs,
    '-append', cmdline.join(' '),
    ...disk('root', spec.assets.rootfs),
    ...disk('payload', spec.payloadFile),
    ...disk('images', spec.imagesFile),
    '-chardev', spec.control ? 'socket,id=control,fd=3' : 'null,id=control',
    '-chardev', spec.control ? 'socket,id=attach,fd=4' : 'null,id=attach',
    '-device', 'virtio-serial-device,max_ports=2',
    '-device', 'virtconsole,chardev=attach',
    '-device', `virtserialport,chardev=control,name=${CONTROL_PORT}`,
    ...(spec.template ? ['-monitor', `unix:${spec.template.monitor},server=on,wait=off`] : []),
    ...(spec.snapshot ? ['-incoming', `exec:cat ${shq(spec.snapshot)}`] : []),
  ];
}
