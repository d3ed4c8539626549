import path from 'node:path';
import { loadLevels } from '../lessons.js';
import { requireVm } from '../vm/ready.js';
import { runVm, type VmEnd } from '../vm/run.js';
import { bundleRuntime } from './bundle.js';
import { checkerFiles, expectedChecks, levelsUpTo } from './checkers.js';

import type { CheckEvent, CheckResult, Outcome } from './types.js';

export interface CheckOptions {
  workspaceDir: string;
  /** Checks levels 00..level. */
  level: string;
  signal?: AbortSignal;
  /** The runtime to check; default <workspaceDir>/rd.ts. */
  entry?: string;
  /** The runtime's text, when it is not in `entry` itself (a wrong variant made from its patch). */
  source?: string;
  /** Bundle `./linux.js` from this file instead of the workspace's copy (lesson files). */
  toolkit?: string;
  /** Run only this level's checker, not 00..level (dev check's stubs and wrong variants). */
  only?: boolean;
  /** Folder of checker scripts (tests use their own). */
  checkersDir?: string;
  /** Seconds one `rd` call may take inside the VM before it counts as hung. */
  rdTimeoutS?: number;
}

const TAIL_LINES = 30;

/** Seconds for the whole run: boot plus a budget per level, so one hung command cannot stall a check forever. */
export function runTimeoutMs(levels: number, rdTimeoutS: number): number {
  return (30 + levels * rdTimeoutS * 1.5) * 1000;
}

/** Bundles the runtime, runs the checkers of levels 00..level in a fresh VM, and streams what happens. */
export async function* runCheck(opts: CheckOptions): AsyncGenerator<CheckEvent, Outcome> {
  const started = Date.now();
  const results: CheckResult[] = [];
  const tail: string[] = [];
  const finish = function* (verdict: Outcome['verdict'], error?: string): Generator<CheckEvent, Outcome> {
    const outcome: Outcome = { verdict, level: opts.level, results, tail, ms: Date.now() - started, ...(error ? { error } : {}) };
    yield { type: 'done', outcome };
    return outcome;
  };

  const levels = opts.only ? [opts.level] : levelsUpTo(opts.level, loadLevels().map((l) => l.id));
  yield { type: 'stage', stage: 'bundle' };
  const bundle = await bundleRuntime(opts.entry ?? path.join(opts.workspaceDir, 'rd.ts'), opts.toolkit, opts.source);
  if (!bundle.ok) return yield* finish('error', `rd.ts does not build:\n${bundle.error}`);

  yield { type: 'stage', stage: 'boot' };
  let vm;
  try {
    vm = await requireVm();
  } catch (e) {
    return yield* finish('error', (e as Error).message);
  }
  const rdTimeoutS = opts.rdTimeoutS ?? 20;
  const run = runVm({
    assets: vm.assets,
    accel: vm.accel.accel,
    timeoutMs: runTimeoutMs(levels.length, rdTimeoutS),
    signal: opts.signal,
    payload: [
      { path: 'run.env', type: 'file', data: `MODE=check\nLEVELS="${levels.join(' ')}"\nRD_TIMEOUT=${rdTimeoutS}\n` },
      { path: 'rd.mjs', type: 'file', data: bundle.code },
      ...checkerFiles(levels, opts.checkersDir),
    ],
  });

  let ended = false;
  let guestError: string | undefined;
  let end: VmEnd;
  for (;;) {
    const next = await run.next();
    if (next.done) {
      end = next.value;
      break;
    }
    const ev = next.value;
    if (ev.type === 'booted') yield { type: 'stage', stage: 'checks' };
    else if (ev.type === 'log' || ev.type === 'forged') {
      const line = ev.type === 'forged' ? `[ignored a line that imitates a result: ${ev.line.slice(0, 200)}]` : ev.line;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      yield { type: 'log', line };
    } else if (ev.type === 'record') {
      const r = ev.record;
      if (r.kind === 'start') yield { type: 'check-start', level: r.level, name: r.name };
      else if (r.kind === 'result') {
        results.push(r.result);
        yield { type: 'result', result: r.result };
      } else if (r.kind === 'end') ended = true;
      else if (r.kind === 'error') guestError = r.message;
    }
  }

  const expected = levels.flatMap((l) => expectedChecks(l, opts.checkersDir).map((name) => `${l}/${name}`));
  const { missing, unknown, repeated } = compareReported(expected, results.map((r) => `${r.level}/${r.name}`));
  const failed = results.some((r) => r.status === 'fail');
  if (!ended) return yield* finish('error', vmFailure(end, levels.length, rdTimeoutS));
  if (guestError) return yield* finish('error', `the checker stopped: ${guestError}`);
  if (unknown.length) return yield* finish('error', `the guest reported checks no checker declares: ${unknown.join(', ')}`);
  if (repeated.length) return yield* finish('error', `the guest reported these checks more than once: ${repeated.join(', ')}`);
  if (missing.length) return yield* finish('error', `these checks did not report: ${missing.join(', ')}`);
  return yield* finish(failed ? 'fail' : 'pass');
}

/**
 * The reported checks against the declared ones. A pass needs each declared check exactly once: a name no
 * checker declares, or one reported twice, means the run cannot be trusted, whatever the statuses say.
 */
export function compareReported(expected: string[], reported: string[]): { missing: string[]; unknown: string[]; repeated: string[] } {
  const declared = new Set(expected);
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const key of reported) (seen.has(key) ? repeated : seen).add(key);
  return {
    missing: expected.filter((k) => !seen.has(k)),
    unknown: [...seen].filter((k) => !declared.has(k)),
    repeated: [...repeated],
  };
}

function vmFailure(end: VmEnd, levels: number, rdTimeoutS: number): string {
  if (end.reason === 'aborted') return 'the check was cancelled';
  if (end.reason === 'timeout')
    return `the check did not finish within ${runTimeoutMs(levels, rdTimeoutS) / 1000} s: does rd hang?`;
  const qemu = end.qemuError ? `: ${end.qemuError.split('\n').slice(-3).join(' ')}` : '';
  return `the VM stopped before the checks finished${qemu}`;
}
