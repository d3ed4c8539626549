import { describe, expect, test } from 'vitest';
import { hostTscKhz, qemuArgs } from '../../src/vm/machine.js';
import type { Assets } from '../../src/vm/assets.js';

const assets = { kernel: '/k/vmlinux', initramfs: '/k/initramfs.cpio', rootfs: '/k/root.erofs' } as Assets;

describe('machine definition', () => {
  test('reads the TSC frequency from /proc/cpuinfo', () => {
    expect(hostTscKhz('processor\t: 0\ncpu MHz\t\t: 2445.404\n')).toBe(2445404);
    expect(hostTscKhz('processor\t: 0\n')).toBeNull();
  });

  test('TCG gets the TSC frequency and fixed addresses on the kernel command line and the baseline CPU, KVM the host\'s', () => {
    const tcg = qemuArgs({ assets, accel: 'tcg', payloadFile: '/t/p', imagesFile: '/i' }, 2445404);
    expect(tcg[tcg.indexOf('-append') + 1]).toContain('tsc_early_khz=2445404');
    expect(tcg[tcg.indexOf('-append') + 1].split(' ')).toContain('norandmaps');
    expect(tcg.slice(tcg.indexOf('-cpu'), tcg.indexOf('-cpu') + 2)).toEqual(['-cpu', 'qemu64']);
    const kvm = qemuArgs({ assets, accel: 'kvm', payloadFile: '/t/p', imagesFile: '/i' }, 2445404);
    expect(kvm[kvm.indexOf('-append') + 1]).not.toContain('tsc_early_khz');
    expect(kvm[kvm.indexOf('-append') + 1]).not.toContain('norandmaps');
    expect(kvm.slice(kvm.indexOf('-accel'), kvm.indexOf('-accel') + 4)).toEqual(['-accel', 'kvm', '-cpu', 'host']);
  });

  test('root image, payload and added images are read-only disks, in that order (vda, vdb, vdc in the guest)', () => {
    const args = qemuArgs({ assets, accel: 'tcg', payloadFile: '/t/payload.cpio', imagesFile: '/c/images.erofs' }, null).join(' ');
    expect(args.indexOf('file=/k/root.erofs')).toBeLessThan(args.indexOf('file=/t/payload.cpio'));
    expect(args.indexOf('file=/t/payload.cpio')).toBeLessThan(args.indexOf('file=/c/images.erofs'));
    expect(args.match(/readonly=on/g)).toHaveLength(3);
    expect(args).toContain('-no-reboot');
  });

  test('every machine has the control port, so one saved guest restores for checks and sessions; only a session connects it', () => {
    const check = qemuArgs({ assets, accel: 'tcg', payloadFile: '/t/p', imagesFile: '/i' }, null);
    const session = qemuArgs({ assets, accel: 'tcg', payloadFile: '/t/p', imagesFile: '/i', control: true }, null);
    const devices = (args: string[]) => args.filter((_, i) => args[i - 1] === '-device');
    expect(devices(session)).toEqual(devices(check));
    expect(devices(check)).toContain('virtserialport,chardev=control,name=rw.ctl');
    expect(check).toContain('null,id=control');
    expect(session).toContain('socket,id=control,fd=3');
    expect(devices(check)).toContain('virtconsole,chardev=attach');
    expect(session).toContain('socket,id=attach,fd=4');
  });
});
