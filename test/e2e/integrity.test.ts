import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCheck, runTimeoutMs } from '../../src/check/run.js';
import type { Outcome } from '../../src/check/types.js';
import { copyCheckerLib, qemusOf, repo, tempsOf, workspaceWith } from './helpers.js';

// Each attack is a runtime that gets the fixture checks wrong (it always exits 0, so 00/exit-status must
// fail) and tries to turn that into a pass, or to take the machine down. None may end in a pass; each must
// end within the run's timeout plus a few seconds, leaving no QEMU, no temp folder, and the host as it was.
const RD_TIMEOUT_S = 3;
const LIMIT_MS = runTimeoutMs(1, RD_TIMEOUT_S) + 10_000;
let checkers: string;
let hostMarker: string;

beforeAll(() => {
  checkers = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-integrity-'));
  copyCheckerLib(checkers);
  fs.copyFileSync(path.join(repo, 'test/fixtures/checkers/00.sh'), path.join(checkers, '00.sh'));
  hostMarker = path.join(checkers, 'host-marker');
  fs.writeFileSync(hostMarker, 'untouched');
});
afterAll(() => fs.rmSync(checkers, { recursive: true, force: true }));

/** A runtime that passes output through but always exits 0, after running `attack` (TypeScript). */
const attacker = (attack: string) => `
import { spawnSync, execSync } from 'node:child_process';
import fs from 'node:fs';
const argv = process.argv.slice(2);
const cmd = argv.slice(argv.indexOf('--') + 1);
${attack}
const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit' });
console.log(\`\${r.pid} exited with status 0\`);
process.exit(0);
`;

async function attack(code: string): Promise<{ outcome: Outcome; ms: number }> {
  const started = Date.now();
  let outcome: Outcome | undefined;
  for await (const ev of runCheck({ workspaceDir: workspaceWith(attacker(code)), level: '00', checkersDir: checkers, rdTimeoutS: RD_TIMEOUT_S })) {
    if (ev.type === 'done') outcome = ev.outcome;
  }
  return { outcome: outcome!, ms: Date.now() - started };
}

function expectContained({ outcome, ms }: { outcome: Outcome; ms: number }): void {
  expect(outcome.verdict).not.toBe('pass');
  expect(outcome.results.find((r) => r.name === 'exit-status')?.status ?? 'missing').not.toBe('pass');
  expect(ms).toBeLessThan(LIMIT_MS);
  expect(qemusOf(process.pid)).toEqual([]);
  expect(tempsOf(process.pid)).toEqual([]);
  expect(fs.readFileSync(hostMarker, 'utf8')).toBe('untouched');
}

const forged = (token: string) =>
  `'\\x1erw1 ${token} result\\t00\\texit-status\\tpass\\t1\\tAAAAAAA=\\n\\x1erw1 ${token} end\\t3\\n'`;

describe('a learner program cannot fake a pass', () => {
  test('result lines printed on stdout, stderr, /dev/console and /dev/ttyS0 do not count', async () => {
    const r = await attack(`
      const line = ${forged('0123456789abcdef0123456789abcdef')};
      process.stdout.write(line); process.stderr.write(line);
      for (const dev of ['/dev/console', '/dev/ttyS0']) try { fs.appendFileSync(dev, line); } catch {}
    `);
    expectContained(r);
    expect(r.outcome.verdict).toBe('fail');
  });

  test('imitating the signer\'s hello does not make the host send the token again', async () => {
    const r = await attack(`
      fs.appendFileSync('/dev/console', '\\x1erw1 hello\\n');
      const heard = execSync('timeout 1 cat /dev/ttyS0 || true').toString();
      const token = /token ([0-9a-f]{32})/.exec(heard)?.[1];
      if (token) {
        console.error('stole the token');
        fs.appendFileSync('/dev/console', \`\\x1erw1 \${token} result\\t00\\texit-status\\tpass\\t1\\tAAAAAAA=\\n\\x1erw1 \${token} end\\t3\\n\`);
      }
    `);
    expectContained(r);
    expect(r.outcome.verdict).toBe('fail');
    expect(r.outcome.results.map((x) => x.output).join('\n')).not.toContain('stole the token');
  });

  test('writing to the results channel or the checker scripts is impossible from the sandbox', async () => {
    const r = await attack(`
      try { fs.writeSync(3, 'result\\t00\\texit-status\\tpass\\t1\\tAAAAAAA=\\n'); console.error('fd 3 open!'); } catch {}
      const found = execSync("find / -xdev -name lib.sh -o -xdev -name records -type p 2>/dev/null || true").toString().split('\\n').filter(Boolean);
      for (const f of found) { try { fs.writeFileSync(f, 'check exit-status\\npass\\n'); console.error('overwrote ' + f); } catch {} }
      try { execSync('rm -rf /run/* /opt/rd/../../run/payload'); } catch {}
    `);
    expectContained(r);
    expect(r.outcome.verdict).toBe('fail');
    expect(r.outcome.results.map((x) => x.output).join('\n')).not.toMatch(/fd 3 open!|overwrote \//);
  });

  test('kernel memory, where the token lives, cannot be read', async () => {
    const r = await attack(`
      try { const fd = fs.openSync('/proc/kcore', 'r'); fs.readSync(fd, Buffer.alloc(4096)); console.error('read kernel memory'); } catch {}
    `);
    expectContained(r);
    expect(r.outcome.results.map((x) => x.output).join('\n')).not.toContain('read kernel memory');
  });

  test('killing everything it can see (kill -9 -1) ends in a fail, not a pass', async () => {
    expectContained(await attack(`try { process.kill(-1, 'SIGKILL'); } catch {}`));
  });

  test('rebooting or powering off the guest ends in a fail or an error', async () => {
    expectContained(await attack(`try { execSync('reboot -f'); } catch {}`));
    // Root of the sandbox's user namespace has no power over the kernel's sysrq: the VM stays up.
    const sysrq = await attack(`try { fs.writeFileSync('/proc/sysrq-trigger', 'o'); } catch {}`);
    expectContained(sysrq);
    expect(sysrq.outcome.verdict).toBe('fail');
  });

  test('output too long for a result record still leaves every check reported, its failure included', async () => {
    // A record longer than the host reads whole would be dropped as forged, and its check go unreported.
    const r = await attack(`process.stderr.write('y'.repeat(60000) + '\\n' + 'z'.repeat(60000) + '\\n');`);
    expectContained(r);
    expect(r.outcome.verdict).toBe('fail');
    expect(r.outcome.results.find((x) => x.name === 'exit-status')?.status).toBe('fail');
  });

  test("the sandbox's holder (its PID 1) can be neither attached to nor robbed of its descriptors, the console among them", async () => {
    const r = await attack(`
      const koffi = require('koffi');
      const syscall = koffi.load('libc.so.6').func('long syscall(long n, long a, long b, long c)');
      const pidfd = syscall(434, 1, 0, 0); // pidfd_open(1)
      for (const fd of [0, 1, 2]) {
        const got = syscall(438, pidfd, fd, 0); // pidfd_getfd
        if (got >= 0) { console.error('took fd ' + fd); fs.writeSync(got, '\\x1erw1 '); }
      }
      if (syscall(101, 16, 1, 0) === 0) console.error('attached to the holder'); // ptrace(PTRACE_ATTACH, 1)
    `);
    expectContained(r);
    expect(r.outcome.verdict).toBe('fail');
    expect(r.outcome.results.map((x) => x.output).join('\n')).not.toMatch(/took fd|attached to the holder/);
  });

  test('flooding the console ends in a fail or an error, within the timeout', async () => {
    expectContained(await attack(`
      const junk = Buffer.alloc(1 << 20, 'x\\u001b[2J\\n');
      for (let i = 0; i < 64; i++) try { fs.appendFileSync('/dev/console', junk); } catch {}
    `));
  });
});

describe('a hostile program cannot harm the machine it is graded on', () => {
  test('deleting everything in the guest', async () => {
    expectContained(await attack(`try { execSync('rm -rf / 2>/dev/null'); } catch {}`));
  });

  test('a fork bomb', async () => {
    expectContained(await attack(`try { execSync("sh -c 'b() { b | b & }; b'", { timeout: 60000 }); } catch {}`));
  });

  test('an endless loop', async () => {
    const r = await attack(`for (;;) {}`);
    expectContained(r);
    expect(r.outcome.results[0].message).toContain('did not finish');
  });

  test('eating all memory', async () => {
    expectContained(await attack(`const hog: Buffer[] = []; for (;;) hog.push(Buffer.alloc(1 << 24, 1));`));
  });
});
