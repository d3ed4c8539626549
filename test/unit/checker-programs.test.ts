import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');

test.each([
  ['14', 'SECCOMP_PROGRAM', 'seccomp-program.mjs'],
  ['04', 'LEASE_PROGRAM', 'lease-program.mjs'],
])("checker %s's %s is what scripts/%s assembles from its listed instructions", (level, name, script) => {
  const made = execFileSync(process.execPath, [path.join(repo, 'scripts', script)], { encoding: 'utf8' }).trim();
  const checker = fs.readFileSync(path.join(repo, `checkers/${level}.sh`), 'utf8');
  expect(new RegExp(`^${name}=(\\S+)$`, 'm').exec(checker)?.[1]).toBe(made);
  const elf = Buffer.from(made, 'base64');
  expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  // The program header's file size is the whole file: nothing cut off, nothing left over.
  expect(Number(elf.readBigUInt64LE(96))).toBe(elf.length);
  // Its comment in the checker gives its size as it is.
  expect(checker).toContain(`ELF of ${elf.length} bytes`);
});
