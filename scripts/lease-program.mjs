#!/usr/bin/env node
// Prints, as base64, the program checkers/04.sh holds an image's tar with: a static x86-64 ELF, assembled by
// hand (scripts/elf.mjs). `lease-holder FILE` opens FILE read-only and takes a write lease on it
// (fcntl F_SETLEASE, F_WRLCK), then pauses: any other process's open of FILE now waits until this one ends
// (or the kernel's lease-break-time, 45 s, passes). /proc/locks shows the lease, and "BREAKING" once an
// open waits. It asks for SIGURG, which it ignores, where the kernel's default signal to a lease holder
// (SIGIO) would end it. `lease-holder FILE once` keeps SIGIO: the first open of FILE ends it (status 157,
// 128 + SIGIO), and that open goes on at once. It exits with the errno of a call that failed.
// usage: node scripts/lease-program.mjs   (then paste it into LEASE_PROGRAM in checkers/04.sh)

import { assembler, le32 } from './elf.mjs';

const { label, bytes, jump, eax, syscall, base64 } = assembler();
const failed = () => { bytes(0x85, 0xc0); jump(0x78, 'failed'); }; //   the call returned -errno: failed
const fcntl = (command, arg) => { bytes(0x89, 0xdf); bytes(0xbe, ...le32(command)); bytes(0xba, ...le32(arg)); eax(72); syscall(); failed(); };
bytes(0x48, 0x8b, 0x7c, 0x24, 0x10); bytes(0x31, 0xf6); eax(2); syscall(); failed(); // open(argv[1], O_RDONLY)
bytes(0x89, 0xc3); //                                                  the descriptor, kept in ebx
bytes(0x48, 0x83, 0x3c, 0x24, 0x03); jump(0x74, 'lease'); //          argc 3 (FILE once): SIGIO kept
fcntl(10, 23); //                                                      fcntl(fd, F_SETSIG, SIGURG)
label('lease');
fcntl(1024, 1); //                                                     fcntl(fd, F_SETLEASE, F_WRLCK)
label('pause');
eax(34); syscall(); jump(0xeb, 'pause'); //                            pause() for ever
label('failed');
bytes(0xf7, 0xd8); bytes(0x89, 0xc7); eax(60); syscall(); //           exit(errno)

process.stdout.write(`${base64()}\n`);
