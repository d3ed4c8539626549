import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCheck, type CheckOptions } from '../../src/check/run.js';
import type { CheckEvent, Outcome } from '../../src/check/types.js';
import { copyCheckerLib, repo, workspaceWith } from './helpers.js';

// The harness, protocol and verdict logic against fixture checkers; lesson content is proven by dev check.
let libDir: string;
beforeAll(() => {
  libDir = fs.mkdtempSync('/tmp/rw-e2e-checkers-');
  copyCheckerLib(libDir);
  fs.copyFileSync(path.join(repo, 'test/fixtures/checkers/00.sh'), path.join(libDir, '00.sh'));
});
afterAll(() => fs.rmSync(libDir, { recursive: true, force: true }));

async function check(rd: string, extra: Partial<CheckOptions> = {}): Promise<{ outcome: Outcome; events: CheckEvent[] }> {
  const events: CheckEvent[] = [];
  let outcome: Outcome | undefined;
  for await (const ev of runCheck({ workspaceDir: workspaceWith(rd), level: '00', checkersDir: libDir, ...extra })) {
    events.push(ev);
    if (ev.type === 'done') outcome = ev.outcome;
  }
  return { outcome: outcome!, events };
}

const passthrough = `
import { spawnSync } from 'node:child_process';
const argv = process.argv.slice(2);
const cmd = argv.slice(argv.indexOf('--') + 1);
const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit' });
console.log(\`\${r.pid} exited with status \${r.status}\`);
process.exit(r.status ?? 1);
`;

describe('checking a runtime in the VM', () => {
  test('a working runtime passes, with stages and results streamed in order', async () => {
    const { outcome, events } = await check(passthrough);
    expect(outcome.verdict).toBe('pass');
    expect(outcome.results.map((r) => `${r.name}:${r.status}`)).toEqual(['prints-output:pass', 'exit-status:pass', 'vm-hostname:pass']);
    const stages = events.filter((e) => e.type === 'stage').map((e) => (e as { stage: string }).stage);
    expect(stages).toEqual(['bundle', 'boot', 'checks']);
    expect(events.at(-1)?.type).toBe('done');
  });

  test('a wrong runtime fails with expected, actual and the command it ran', async () => {
    const { outcome } = await check(passthrough.replace('process.exit(r.status ?? 1)', 'process.exit(0)'));
    expect(outcome.verdict).toBe('fail');
    const failed = outcome.results.find((r) => r.status === 'fail')!;
    expect(failed).toMatchObject({ name: 'exit-status', expected: '3', actual: '0', command: "rd run -- /bin/sh -c 'exit 3'" });
    expect(failed.message).toContain("command's status");
  });

  test('a syntax error is reported as file:line from esbuild, without starting a VM', async () => {
    const { outcome, events } = await check('const x = ;\n');
    expect(outcome.verdict).toBe('error');
    expect(outcome.error).toMatch(/rd\.ts:1:11: error: Unexpected ";"/);
    expect(events.some((e) => e.type === 'stage' && e.stage === 'boot')).toBe(false);
  });

  test('a runtime that hangs is stopped at its timeout, showing the last lines it printed', async () => {
    const hang = `console.log('about to hang'); setInterval(() => {}, 1000);`;
    const { outcome } = await check(hang, { rdTimeoutS: 3 });
    expect(outcome.verdict).toBe('fail');
    const first = outcome.results[0];
    expect(first.status).toBe('fail');
    expect(first.output).toContain('about to hang');
    expect(first.message).toContain('did not finish within 3 s');
  });
});
