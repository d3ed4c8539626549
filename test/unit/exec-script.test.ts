import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { execScript, RD_COMMAND } from '../../src/vm/exec.js';

// The script `vm exec` runs in the guest, run here by the host's sh (without --rd, which would install rd).
const traceFile = '/tmp/.rd-trace';
afterEach(() => fs.rmSync(traceFile, { force: true }));
const run = (script: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8' });

describe('vm exec --rd --trace', () => {
  it("runs the command with RD_TRACE set, then shows what rd did, keeping the command's status", () => {
    fs.rmSync(traceFile, { force: true });
    const r = run(execScript(['sh', '-c', 'echo ran; echo "init 7 chdir(\\"/\\") = 0" >> "$RD_TRACE"; exit 3'], false, true));
    expect(r.stdout).toBe('ran\n\n── what rd did: its calls through linux.ts ──\ninit 7 chdir("/") = 0\n');
    expect(r.status).toBe(3);
  });

  it('says so when rd made no call through linux.ts', () => {
    fs.rmSync(traceFile, { force: true });
    expect(run(execScript(['true'], false, true)).stdout).toBe('\n── what rd did: its calls through linux.ts ──\n(none)\n');
  });

  it('without --trace, sets no RD_TRACE and adds nothing', () => {
    const r = run(execScript(['sh', '-c', 'echo "${RD_TRACE-unset}"; exit 4'], false));
    expect(r.stdout).toBe('unset\n');
    expect(r.status).toBe(4);
  });
});

describe("the guest's rd command", () => {
  const lastTrace = '/tmp/.rd-last-trace';
  afterEach(() => fs.rmSync(lastTrace, { force: true }));

  // rd as the guest has it, with a `node` that records one call per run, as the toolkit would.
  function guestRd(): (args: string, env?: NodeJS.ProcessEnv) => string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-unit-rd-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'rd'), RD_COMMAND, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'node'), '#!/bin/sh\nshift; echo "init 1 sethostname(\\"$*\\") = 0" >> "$RD_TRACE"\n', { mode: 0o755 });
    return (args, env = {}) => {
      const r = spawnSync('sh', ['-c', `rd ${args}`], { encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin`, ...env } });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
  }

  it('records every call, and `rd trace` prints the last one', () => {
    fs.rmSync(lastTrace, { force: true });
    const rd = guestRd();
    expect(rd('trace')).toBe('(no rd call has gone through linux.ts yet)\n');
    rd('run a');
    rd('run b');
    expect(rd('trace')).toBe('init 1 sethostname("run b") = 0\n');
  });

  it('appends every call to the trace vm exec --trace names', () => {
    fs.rmSync(traceFile, { force: true });
    const rd = guestRd();
    rd('run a', { RD_TRACE: traceFile });
    rd('run b', { RD_TRACE: traceFile });
    expect(fs.readFileSync(traceFile, 'utf8')).toBe('init 1 sethostname("run a") = 0\ninit 1 sethostname("run b") = 0\n');
    expect(fs.existsSync(lastTrace)).toBe(false);
  });
});
