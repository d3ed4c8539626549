import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { checkersDir } from '../../src/paths.js';

// A checker that calls a function no file of its defines gets "not found" and an empty value, and goes on: a
// test value silently empty (13's typo for --net once was). Each name in a command substitution $(NAME …) is a
// function of the checker, lib.sh or pointers.sh, a shell builtin, or a program of the guest's busybox.
const BUILTINS = ['cd', 'exec', 'for', 'if', 'while', 'case', 'read', 'set', 'echo', 'printf', 'test', 'command', 'trap', 'wait', 'kill', 'true', 'false'];
const read = (name: string) => fs.readFileSync(path.join(checkersDir, name), 'utf8');
const defined = (text: string) => [...text.matchAll(/^\s*([a-z_][a-z_0-9]*)\(\)/gm)].map((m) => m[1]!);
const applets = execFileSync('busybox', ['--list'], { encoding: 'utf8' }).split('\n');
const shared = [...defined(read('lib.sh')), ...defined(read('pointers.sh'))];

test.each(fs.readdirSync(checkersDir).filter((f) => /^\d\d\.sh$/.test(f)))('%s calls only what is defined', (file) => {
  const text = read(file);
  const known = new Set([...shared, ...defined(text), ...BUILTINS, ...applets]);
  const called = [...text.matchAll(/\$\(\s*([a-z_][a-z_0-9]*)(?=[\s)])/g)].map((m) => m[1]!);
  expect(called.filter((name) => !known.has(name))).toEqual([]);
});
