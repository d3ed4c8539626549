// The toolkit's network calls: the rtnetlink requests they send, byte for byte (what `ip` sends for the same
// command), how an answer becomes an errno, their hints, and real requests that cannot change the host.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import * as linux from '../../src/linux/index.js';

const { errno } = os.constants;
const request = linux.rtnetlinkRequest;

/** Bytes from hex written in groups, the way the structs are laid out. */
function hex(...groups: string[]): string {
  return groups.join('').replace(/\s/g, '');
}

// nlmsghdr: length, type, flags (here always with NLM_F_REQUEST|NLM_F_ACK), sequence 1, port 0.
const header = (length: string, type: string, flags: string) => hex(length, type, flags, '01000000 00000000');
const NO_LINK = '00000000 00000000 00000000 00000000'; // ifinfomsg: any family, index 0, no flag change

describe('rtnetlink requests', () => {
  it('ip link add rd0 type bridge', () => {
    expect(request.linkAddBridge('rd0').toString('hex')).toBe(hex(
      header('38000000', '1000', '0506'), // 56 bytes, RTM_NEWLINK, CREATE|EXCL|ACK|REQUEST
      NO_LINK,
      '0800 0300 72643000', // IFLA_IFNAME "rd0\0"
      '1000 1200', '0b00 0100 627269646765 0000', // IFLA_LINKINFO { IFLA_INFO_KIND "bridge\0", padded }
    ));
  });

  it('ip link add eth0 type veth peer name veth1 netns FD: the peer has an ifinfomsg of its own', () => {
    expect(request.linkAddVeth('eth0', 'veth1', { fd: 7 }).toString('hex')).toBe(hex(
      header('68000000', '1000', '0506'), // 104 bytes
      NO_LINK,
      '0900 0300 6574683000 000000', // IFLA_IFNAME "eth0\0", padded
      '3c00 1200', // IFLA_LINKINFO {
      '0900 0100 7665746800 000000', //   IFLA_INFO_KIND "veth\0"
      '2c00 0200', //   IFLA_INFO_DATA {
      '2800 0100', NO_LINK, //     VETH_INFO_PEER: an ifinfomsg, then the peer's attributes
      '0a00 0300 7665746831 00 0000', //     IFLA_IFNAME "veth1\0"
      '0800 1c00 07000000', //     IFLA_NET_NS_FD 7 } }
    ));
  });

  it('names a peer namespace by pid with IFLA_NET_NS_PID', () => {
    expect(request.linkAddVeth('a', 'b', { pid: 0x1234 }).subarray(-8).toString('hex')).toBe('0800130034120000');
  });

  it('ip link set NAME up / down: IFF_UP in flags, and in change so that only it changes', () => {
    const up = request.linkSetUp('lo');
    expect(up.subarray(0, 16).toString('hex')).toBe(header('28000000', '1000', '0500'));
    expect(up.subarray(16, 32).toString('hex')).toBe(hex('00000000 00000000 01000000 01000000'));
    expect(request.linkSetUp('lo', false).subarray(16, 32).toString('hex')).toBe(hex('00000000 00000000 00000000 01000000'));
  });

  it('ip link set NAME master INDEX, netns, del', () => {
    expect(request.linkSetMaster('veth1', 4).subarray(-8).toString('hex')).toBe('08000a0004000000'); // IFLA_MASTER 4
    expect(request.linkSetNetns('eth0', { pid: 9 }).subarray(-8).toString('hex')).toBe('0800130009000000');
    expect(request.linkDel('eth0').readUInt16LE(4)).toBe(17); // RTM_DELLINK
  });

  it('ip addr add 10.13.0.2/24 dev (index 3)', () => {
    expect(request.addrAdd(3, Buffer.from([10, 13, 0, 2]), 24).toString('hex')).toBe(hex(
      header('28000000', '1400', '0506'), // 40 bytes, RTM_NEWADDR
      '02 18 00 00 03000000', // ifaddrmsg: AF_INET, /24, no flags, universe scope, index 3
      '0800 0200 0a0d0002', // IFA_LOCAL
      '0800 0100 0a0d0002', // IFA_ADDRESS
    ));
  });

  it('ip route add default via 10.13.0.1', () => {
    expect(request.routeAddDefault(Buffer.from([10, 13, 0, 1])).toString('hex')).toBe(hex(
      header('24000000', '1800', '0506'), // 36 bytes, RTM_NEWROUTE
      '02 00 00 00 fe 03 00 01 00000000', // rtmsg: AF_INET, dst_len 0, main table, boot, universe, unicast
      '0800 0500 0a0d0001', // RTA_GATEWAY
    ));
  });
});

describe('netlinkErrno', () => {
  const answer = (error: number, type = 2) => {
    const bytes = Buffer.alloc(36);
    bytes.writeUInt32LE(36, 0);
    bytes.writeUInt16LE(type, 4);
    bytes.writeInt32LE(error, 16);
    return bytes;
  };
  it('is 0 for an ack and the errno for an error', () => {
    expect(linux.netlinkErrno(answer(0))).toBe(0);
    expect(linux.netlinkErrno(answer(-errno.EEXIST))).toBe(errno.EEXIST);
  });
  it('is EPROTO for anything else than an nlmsgerr', () => {
    expect(linux.netlinkErrno(answer(0, 16))).toBe(errno.EPROTO);
    expect(linux.netlinkErrno(Buffer.alloc(4))).toBe(errno.EPROTO);
  });
});

describe('network hints', () => {
  it('say what a learner does about the errors they meet', () => {
    expect(linux.hintFor('linkAddBridge', errno.EEXIST, ['rd0'])).toMatch(/^an interface named "rd0" exists already/);
    expect(linux.hintFor('linkAddVeth', errno.EEXIST, ['eth0', 'veth1'])).toMatch(/^an interface named "eth0" \(here\) or "veth1" \(where the peer goes\)/);
    expect(linux.hintFor('addrAdd', errno.EEXIST, ['eth0', '10.13.0.2/24'])).toBe('the interface has the address "10.13.0.2/24" already');
    expect(linux.hintFor('linkAddBridge', errno.EOPNOTSUPP, ['rd0'])).toMatch(/cannot make a bridge: its module is not loaded/);
    expect(linux.hintFor('routeAddDefault', errno.ENETUNREACH, ['10.13.0.1'])).toMatch(/addrAdd.*linkSetUp/);
    expect(linux.hintFor('linkSetUp', errno.ENODEV, ['eth0'])).toMatch(/^no interface named "eth0" in this network namespace/);
    expect(linux.hintFor('linkSetUp', errno.EPERM, ['eth0'])).toMatch(/CAP_NET_ADMIN/);
    expect(linux.hintFor('linkSetMaster', errno.EINVAL, ['eth0', 'lo'])).toMatch(/must be a bridge/);
  });
});

describe('network calls on this host that change nothing', () => {
  it('a bad address is refused before anything is sent', () => {
    // (On an interface no machine has, should the check ever let one through.)
    expect(() => linux.addrAdd('rw-no-such0', '10.13.0.2')).toThrow(/^addrAdd\("rw-no-such0", "10.13.0.2"\) failed: EINVAL[^]*like "10.13.0.2\/24"/);
    expect(() => linux.addrAdd('rw-no-such0', '10.13.0.2/33')).toThrow(/failed: EINVAL/);
    expect(() => linux.routeAddDefault('10.13.0.300')).toThrow(/^routeAddDefault\("10.13.0.300"\) failed: EINVAL/);
  });

  it.runIf(process.platform === 'linux')('the kernel answers a request for a missing interface with ENODEV', () => {
    expect(() => linux.linkSetUp('rw-no-such0')).toThrow(/^linkSetUp\("rw-no-such0"\) failed: ENODEV[^]*no interface named "rw-no-such0"/);
    expect(() => linux.linkSetMaster('lo', 'rw-no-such0')).toThrow(/^linkSetMaster\("lo", "rw-no-such0"\) failed: ENODEV[^]*no interface named "rw-no-such0"/);
  });
});
