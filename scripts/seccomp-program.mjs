#!/usr/bin/env node
// Prints, as base64, the program checkers/14.sh hands a container's command to see what its seccomp filter
// refuses: a static x86-64 ELF, assembled here by hand (no assembler needed). Its children each make one call
// a filter may refuse, then show in /proc how it went (see checkers/14.sh).
// usage: node scripts/seccomp-program.mjs   (then paste it into SECCOMP_PROGRAM in checkers/14.sh)

import { assembler, le32 } from './elf.mjs';

const { label, bytes, jump, jump32, address, eax, syscall, base64 } = assembler();
const rename = (name) => { eax(157); bytes(0xbf, ...le32(15)); bytes(0xbe); address(name); syscall(); }; // prctl(PR_SET_NAME, name)

// Each child: fork(); the parent goes on to the next fork, the child names itself and makes its call. A fork that
// fails ends the forks: the parent pauses without the name that says it made them all (below).
const child = (name, next, call) => {
  eax(57); syscall(); bytes(0x85, 0xc0); jump32('pause', 0x0f, 0x88); jump(0x75, next);
  rename(name);
  call();
  jump32('report');
  label(next);
};
child('int80', 'c2', () => { eax(310); bytes(0xbb, ...le32(0x10000000)); bytes(0xcd, 0x80); }); // unshare(CLONE_NEWUSER) by int 0x80: 32-bit table
child('keyring', 'c3', () => { //                                     add_key("user", "rw", "rw", 2, KEY_SPEC_PROCESS_KEYRING)
  eax(248); bytes(0xbf); address('user'); bytes(0xbe); address('rw');
  bytes(0xba); address('rw'); bytes(0x41, 0xba, ...le32(2));
  bytes(0x41, 0xb8, ...le32(-2)); syscall();
});
child('keyctl', 'c4', () => { //                                      keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1)
  eax(250); bytes(0xbf, ...le32(0)); bytes(0xbe, ...le32(-2)); bytes(0xba, ...le32(1)); syscall();
});
child('request_key', 'c5', () => { //                                request_key("user", "rw", NULL, 0): ENOKEY if let through
  eax(249); bytes(0xbf); address('user'); bytes(0xbe); address('rw'); bytes(0x31, 0xd2); bytes(0x45, 0x31, 0xd2); syscall();
});
child('unshare', 'c7', () => { eax(272); bytes(0xbf, ...le32(0x10000000)); syscall(); }); // unshare(CLONE_NEWUSER)
// The calls a seccomp-deny list picks from, each made so that it works unfiltered (with CAP_SYS_ADMIN for
// sethostname), so that only a filter makes it fail. The program's own path is argv[0], at rsp + 8.
const argv0 = (reg) => bytes(0x48, 0x8b, reg, 0x24, 0x08); //          mov rdi|rsi, [rsp + 8]
const RDI = 0x7c, RSI = 0x74;
child('sethostname', 'c8', () => { eax(170); bytes(0xbf); address('rw'); bytes(0xbe, ...le32(2)); syscall(); }); // sethostname("rw", 2)
child('mkdir', 'c9', () => { eax(83); bytes(0xbf); address('folder'); bytes(0xbe, ...le32(0o700)); syscall(); }); // mkdir("/tmp/.rw-folder", 0700)
child('symlink', 'c10', () => { eax(88); bytes(0xbf); address('rw'); bytes(0xbe); address('link'); syscall(); }); // symlink("rw", "/tmp/.rw-link")
child('rename', 'c11', () => { eax(82); argv0(RDI); argv0(RSI); syscall(); }); //    rename(argv[0], argv[0]): a no-op that works
child('chmod', 'c12', () => { eax(90); argv0(RDI); bytes(0xbe, ...le32(0o700)); syscall(); }); // chmod(argv[0], 0700), as it is
child('chdir', 'c13', () => { eax(80); bytes(0xbf); address('root'); syscall(); }); //  chdir("/")
// Calls the default filter refuses unless SYS_ADMIN is kept, each made so that, let through, it fails with an
// errno of its own before the kernel looks at capabilities (so a capability's EPERM cannot pass for the filter's).
child('mount', 'c14', () => { //                                     mount(NULL, NULL, NULL, 0, NULL): EFAULT, no target
  eax(165); bytes(0xbf, ...le32(0)); bytes(0xbe, ...le32(0)); bytes(0xba, ...le32(0));
  bytes(0x41, 0xba, ...le32(0)); bytes(0x41, 0xb8, ...le32(0)); syscall();
});
child('umount2', 'c15', () => { eax(166); bytes(0xbf); address('root'); bytes(0xbe, ...le32(0x100)); syscall(); }); // umount2("/", 0x100): EINVAL, no such flag
child('setns', 'c16', () => { eax(308); bytes(0xbf, ...le32(-1)); bytes(0xbe, ...le32(0)); syscall(); }); // setns(-1, 0): EBADF
// Namespaces by clone and clone3, with flags the kernel refuses (EINVAL) before it makes anything: CLONE_NEWNS or
// CLONE_NEWUSER with CLONE_FS. Let through, the call fails so; refused, it fails with the filter's errno.
child('clone', 'c17', () => { eax(56); bytes(0xbf, ...le32(0x00020200)); bytes(0xbe, ...le32(0)); syscall(); }); // clone(NEWNS|FS, 0)
child('clone3', 'c18', () => { eax(435); bytes(0xbf); address('clone_args'); bytes(0xbe, ...le32(64)); syscall(); }); // clone3(&{NEWUSER|FS}, 64)
// The parent, all sixteen children made: names itself so (checkers/14.sh looks for no other), and pauses.
rename('forked');
jump(0xeb, 'pause');
label('report');
bytes(0x85, 0xc0); jump(0x78, 'failed'); //                            the call returned -errno: failed
eax(39); syscall(); bytes(0x89, 0xc7); bytes(0xbe, ...le32(19)); eax(62); syscall(); // kill(getpid(), SIGSTOP)
jump(0xeb, 'pause');
label('failed');
bytes(0xf7, 0xd8); bytes(0x89, 0xc7); eax(60); syscall(); //           exit(errno)
label('pause');
eax(34); syscall(); jump(0xeb, 'pause'); //                            pause() for ever, unreaped children kept
for (const name of ['int80', 'keyring', 'keyctl', 'request_key', 'unshare', 'sethostname', 'mkdir', 'symlink', 'rename', 'chmod', 'chdir', 'mount', 'umount2', 'setns', 'clone', 'clone3', 'user', 'rw']) {
  label(name);
  bytes(...Buffer.from(`${name}\0`));
}
for (const [name, text] of [['folder', '/tmp/.rw-folder'], ['link', '/tmp/.rw-link'], ['root', '/'], ['forked', 'rw-all-forked']]) {
  label(name);
  bytes(...Buffer.from(`${text}\0`));
}

label('clone_args'); //                                                struct clone_args, 64 bytes: flags, then 0s
bytes(...le32(0x10000200), ...Array(60).fill(0));

process.stdout.write(`${base64()}\n`);
