import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');

test("checker 14's program is what scripts/seccomp-program.mjs assembles from its listed instructions", () => {
  const made = execFileSync(process.execPath, [path.join(repo, 'scripts/seccomp-program.mjs')], { encoding: 'utf8' }).trim();
  const checker = fs.readFileSync(path.join(repo, 'checkers/14.sh'), 'utf8');
  expect(/^SECCOMP_PROGRAM=(\S+)$/m.exec(checker)?.[1]).toBe(made);
  const elf = Buffer.from(made, 'base64');
  expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  // The program header's file size is the whole file: nothing cut off, nothing left over.
  expect(Number(elf.readBigUInt64LE(96))).toBe(elf.length);
});
