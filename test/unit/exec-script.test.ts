import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { execScript } from '../../src/vm/exec.js';

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
