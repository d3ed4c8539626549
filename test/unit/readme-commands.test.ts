import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tools, type ToolUser } from '../../rootfs-scripts/host-tools.mjs';

// README's set-up line and test command must install every tool rubber-workshop and its tests run, and CI must
// run exactly those two commands: otherwise CI passes on a machine where a newcomer following README fails.
const repo = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
const setUpSection = readme.slice(readme.indexOf('## Set up'), readme.indexOf('\n## ', readme.indexOf('## Set up')));
const readmeCommands = [...setUpSection.matchAll(/```sh\n(.*)\n```/g)].map((m) => m[1]);

function ciCommands(): string[] {
  const r = spawnSync(path.join(repo, '.ci/run'), ['--dry-run'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
}

/** The Debian packages the `apt-get install`s in these shell lines install. */
const installedBy = (...lines: string[]) =>
  new Set(lines.flatMap((line) => [...line.matchAll(/apt-get install (?:-\S+ )*([^&|;]+)/g)].flatMap((m) => m[1].trim().split(/\s+/))));

/** Packages of the tools these users need that the lines leave out. Not counted: what every Debian has. */
const missingFrom = (users: ToolUser[], ...lines: string[]) => {
  const installed = installedBy(...lines);
  return Object.values(tools).filter((t) => t.by.some((b) => users.includes(b)) && !t.base && !installed.has(t.pkg)).map((t) => t.pkg);
};

const learnerUsers: ToolUser[] = ['vm', 'busybox', 'kernel', 'kernel-package', 'image', 'rootfs'];
const allUsers: ToolUser[] = [...learnerUsers, 'debian', 'test', 'image-test'];

describe("README's set-up and test commands, and CI", () => {
  test('README has a set-up line, a test command and the image test, one line each', () => {
    expect(readmeCommands).toHaveLength(3);
    expect(readmeCommands[1]).toMatch(/&& npm test$/);
    expect(readmeCommands[2]).toMatch(/&& npm run test:image$/);
    // A fresh machine's package lists may be missing or old: the first install must come after an update.
    expect(readmeCommands[0]).toMatch(/^sudo apt-get update && sudo apt-get install /);
  });

  test('CI runs exactly those three commands, adapted only for root without a terminal', () => {
    expect(ciCommands()).toEqual([
      readmeCommands[0].replaceAll('sudo ', '').replace(/ && rubber-workshop$/, ''),
      readmeCommands[1].replaceAll('sudo ', ''),
      readmeCommands[2].replaceAll('sudo ', ''),
    ]);
    const ci = fs.readFileSync(path.join(repo, '.ci/run'), 'utf8');
    expect(ci).not.toMatch(/apt-get install|npm (ci|test)/);
  });

  test("the set-up line installs every tool a learner's commands run", () => {
    expect(missingFrom(learnerUsers, readmeCommands[0])).toEqual([]);
  });

  test('the set-up line and the test command install every tool the test suite runs', () => {
    expect(missingFrom(allUsers, ...ciCommands())).toEqual([]);
    // npm test runs before the image test's line: what it needs must come with the lines before it, or a test
    // that needs it is skipped on a fresh machine.
    expect(missingFrom([...learnerUsers, 'test'], readmeCommands[0], readmeCommands[1])).toEqual([]);
  });

  test('a package left out of the lines is found', () => {
    expect(missingFrom(learnerUsers, 'sudo apt-get install -y qemu-system-x86 busybox-static lz4 && npm test')).toEqual(['erofs-utils']);
    expect(missingFrom(allUsers, readmeCommands[0])).toContain('libxml2-utils');
  });
});
