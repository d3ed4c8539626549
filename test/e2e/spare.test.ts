import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { keepSpareVms, runCheck } from '../../src/check/run.js';
import type { Outcome } from '../../src/check/types.js';
import { keepSpares } from '../../src/vm/spare.js';
import { level, qemusOf, rwSpawn, tempsOf, until, workspaceWith } from './helpers.js';

// Spare VMs, as the TUI keeps them while the learner edits: restored and warmed up before the save.
afterEach(() => keepSpares(0));

/** Checks level 00 alone for `rd`, noting which QEMU processes ran each time a result came in. */
async function check(rd: string): Promise<{ outcome: Outcome; seen: Set<number> }> {
  const seen = new Set<number>();
  let outcome: Outcome | undefined;
  for await (const ev of runCheck({ workspaceDir: workspaceWith(rd), level: '00', only: true })) {
    if (ev.type === 'result') for (const pid of qemusOf(process.pid)) seen.add(pid);
    if (ev.type === 'done') outcome = ev.outcome;
  }
  return { outcome: outcome!, seen };
}

test('a check runs in the spare, reads its own runtime there, and a fresh spare takes its place', async () => {
  await keepSpareVms(1);
  expect(await until(() => qemusOf(process.pid).length === 1, 20_000)).toBe(true);
  const [first] = qemusOf(process.pid);

  // The stub fails in the spare: no second VM was started for it.
  const stub = await check(level('00').stub());
  expect(stub.outcome.verdict).toBe('fail');
  expect([...stub.seen]).toEqual([first]);

  // The spare is gone with its check; the next one, restored since, gets the solution's payload, not the stub's.
  expect(await until(() => qemusOf(process.pid).length === 1 && !qemusOf(process.pid).includes(first!), 20_000)).toBe(true);
  const [second] = qemusOf(process.pid);
  const solution = await check(level('00').solution());
  expect(solution.outcome.verdict).toBe('pass');
  expect([...solution.seen]).toEqual([second]);

  // Keeping none ends every spare, with its files.
  await until(() => qemusOf(process.pid).length === 1, 20_000);
  keepSpares(0);
  expect(await until(() => qemusOf(process.pid).length === 0 && tempsOf(process.pid).length === 0, 5000)).toBe(true);
});

test('check --watch: checks now and again on a save; Ctrl-C ends it and its spare VMs', async () => {
  const dir = workspaceWith(level('00').stub());
  const child = rwSpawn(['check', '--watch', '00'], {}, dir);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));

  expect(await until(() => /Watching rd\.ts and linux\.ts/.test(out), 120_000), out).toBe(true);
  expect(out).toMatch(/Level 00 not passed yet/);
  expect(qemusOf(child.pid!).length).toBeGreaterThan(0); // spares stand by for the next save
  out = '';
  fs.writeFileSync(path.join(dir, 'rd.ts'), level('00').solution());
  expect(await until(() => /Level 00 passed/.test(out) && /Watching/.test(out), 120_000), out).toBe(true);

  child.kill('SIGINT');
  expect(await closed).toBe(130);
  expect(qemusOf(child.pid!)).toEqual([]);
  expect(tempsOf(child.pid!)).toEqual([]);
});
