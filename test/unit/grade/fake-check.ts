import fs from 'node:fs';
import path from 'node:path';
import type { CheckEvent, CheckResult, Outcome } from '../../../src/check/types.js';
import type { CheckOptions, RunCheck } from '../../../src/grade/limited-check.js';

/**
 * A stand-in for the VM check runner. What it does is read from the first line of the workspace's rd.ts:
 *   pass                 every check passes
 *   fail-from LL         checks of level LL and later fail (the first of each level only)
 *   build-error [TEXT]   no check runs: error (esbuild's, quoting TEXT from the learner's code)
 *   crash-after LL       levels before LL pass, then error (the VM died)
 *   hang                 never finishes, but stops when aborted
 *   deaf-hang            never finishes and ignores its abort signal
 *   throw                the runner itself throws
 *   rd-timeout           check 00/a fails as an rd call past its time limit does (lib.sh's message)
 *   slow-when-crowded    rd-timeout while another check runs beside it, else pass (a busy machine)
 * Each level has two checks, "a" and "b". It writes build output into the folder it is given, as a real
 * runner might, and records every call, and how many ran all their checks (finished).
 */
export function fakeCheck(levels: string[]) {
  const calls: CheckOptions[] = [];
  let running = 0;
  let maxRunning = 0;
  let finished = 0;
  const runCheck: RunCheck = async function* (opts) {
    calls.push(opts);
    running++;
    await tick();
    const crowded = running > 1;
    maxRunning = Math.max(maxRunning, running);
    try {
      const [mode = '', ...words] = fs.readFileSync(path.join(opts.workspaceDir, 'rd.ts'), 'utf8').split('\n')[0]!.split(' ');
      const arg = words.join(' ');
      fs.writeFileSync(path.join(opts.workspaceDir, 'rd.mjs'), '// bundled');
      yield { type: 'stage', stage: 'bundle' } satisfies CheckEvent;
      await tick();
      if (mode === 'throw') throw new Error('qemu exploded');
      const upTo = levels.slice(0, levels.indexOf(opts.level) + 1);
      const results: CheckResult[] = [];
      const done = (verdict: Outcome['verdict'], error?: string): CheckEvent => ({
        type: 'done',
        outcome: { verdict, level: opts.level, results, ...(error && { error }), tail: [], ms: 10 },
      });
      if (mode === 'build-error') {
        yield done('error', arg ? `rd.ts does not build:\nrd.ts:1:1: ERROR: Unexpected "${arg}"` : 'rd.ts:1:1: ERROR: Unexpected "build"');
        return doneOutcome(results, opts.level, 'error');
      }
      yield { type: 'stage', stage: 'boot' };
      if (mode === 'hang' || mode === 'deaf-hang') await hang(mode === 'hang' ? opts.signal : undefined);
      yield { type: 'stage', stage: 'checks' };
      for (const level of upTo) {
        if (mode === 'crash-after' && level === arg) {
          yield done('error', 'the VM stopped unexpectedly');
          return doneOutcome(results, opts.level, 'error');
        }
        for (const name of ['a', 'b']) {
          yield { type: 'check-start', level, name };
          await tick();
          const late = (mode === 'rd-timeout' || (mode === 'slow-when-crowded' && crowded)) && level === '00' && name === 'a';
          const fails = (mode === 'fail-from' && level >= arg && name === 'a') || late;
          const message = late ? 'rd did not finish within 20 s and was stopped (its last lines are below). rd made no container' : fails ? `level ${level} is not done` : '';
          const result: CheckResult = { level, name, status: fails ? 'fail' : 'pass', message, ms: 5 };
          results.push(result);
          yield { type: 'result', result };
        }
      }
      const verdict = results.some((r) => r.status === 'fail') ? 'fail' : 'pass';
      finished++;
      yield done(verdict);
      return doneOutcome(results, opts.level, verdict);
    } finally {
      running--;
    }
  };
  return { runCheck, calls, maxRunning: () => maxRunning, finished: () => finished, gradedDirs: () => calls.map((c) => c.workspaceDir) };
}

function doneOutcome(results: CheckResult[], level: string, verdict: Outcome['verdict']): Outcome {
  return { verdict, level, results, tail: [], ms: 10 };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function hang(signal?: AbortSignal): Promise<void> {
  return new Promise((_, reject) => {
    // Keeps the event loop alive like a VM would, until aborted.
    const timer = setInterval(() => {}, 1000);
    signal?.addEventListener('abort', () => {
      clearInterval(timer);
      reject(new Error('aborted'));
    });
    if (!signal) timer.unref();
  });
}

/** Checker scripts in `dir` declaring what the fake runner reports: checks a and b in each of `levels`. */
export function fakeCheckers(dir: string, levels: string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const level of levels) fs.writeFileSync(path.join(dir, `${level}.sh`), 'check a\ncheck b\n');
}
