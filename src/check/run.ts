import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLevels } from '../lessons.js';
import { requireVm } from '../vm/ready.js';
import { runVm, type VmEnd } from '../vm/run.js';
import { guestToSave, saveGuest } from '../vm/snapshot.js';
import { keepSpares, refillSpares } from '../vm/spare.js';
import { bundleRuntime, noEntry } from './bundle.js';
import { checkerFiles, expectedChecks, levelsUpTo, partChecks, planRuns } from './checkers.js';
import { mergeRuns } from './merge-runs.js';
import type { CheckEvent, CheckResult, Outcome } from './types.js';

export interface CheckOptions {
  workspaceDir: string;
  /** Checks levels 00..level. */
  level: string;
  signal?: AbortSignal;
  /** The runtime to check; default <workspaceDir>/rd.ts. */
  entry?: string;
  /** The runtime's text, when it is not in `entry` itself (a lesson file made from the level chain). */
  source?: string;
  /** Bundle `./linux.js` from this file instead of the workspace's copy (lesson files). */
  toolkit?: string;
  /** The workspace `workspaceDir` is a copy of, whose node_modules the copy links (a grade's copy): see bundleRuntime. */
  origin?: string;
  /** Run only this level's checker, not 00..level (dev check's stubs and wrong variants). */
  only?: boolean;
  /** With `only`: only these parts of it (dev check's wrong variants: the part that declares their check). */
  parts?: number[];
  /** Folder of checker scripts (tests use their own). */
  checkersDir?: string;
  /** Seconds one `rd` call may take inside the VM before it counts as hung. */
  rdTimeoutS?: number;
  /** VMs to run at once, the levels dealt out among them (default 1: grading runs workspaces side by side). */
  vms?: number;
}

const TAIL_LINES = 30;

/**
 * VMs for one learner's check: one a core, at most two, as memory allows (QEMU's peak under emulation is
 * ≈ 700 MiB a VM), within a container's limits (its cgroup's cpu.max and memory.max, which the CPU count
 * and free memory Node sees ignore); RUBBER_WORKSHOP_VMS sets it.
 */
export function defaultVms(): number {
  const set = Number(process.env.RUBBER_WORKSHOP_VMS);
  if (Number.isInteger(set) && set >= 1) return set;
  const [quota, period] = (cgroupFile('cpu.max') ?? 'max').split(' ');
  const cores = quota === 'max' ? os.availableParallelism() : Math.floor(Number(quota) / Number(period));
  const free = Math.min(os.freemem(), Number(cgroupFile('memory.max')) - Number(cgroupFile('memory.current')) || Infinity);
  return Math.max(1, Math.min(2, cores || 1, Math.floor(free / (800 * 2 ** 20))));
}

/** A file of this process's cgroup (/sys/fs/cgroup is its own in a container), or undefined. */
function cgroupFile(name: string): string | undefined {
  try {
    return fs.readFileSync(`/sys/fs/cgroup/${name}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Keeps `count` spare VMs restored and warmed up between checks (the TUI, while the learner edits: see
 * src/vm/spare.ts); each check refills them once its own VMs are done. Errors wait for the first check.
 */
export async function keepSpareVms(count = spareVms()): Promise<void> {
  keepSpares(count);
  const vm = await requireVm().catch(() => null);
  if (!vm) return;
  // Spares restore the saved guest: a missing one is made first (the learner is reading, not waiting).
  if (guestToSave(vm.assets, vm.accel.accel)) await saveGuest(vm.assets, vm.accel.accel);
  refillSpares(vm.assets, vm.accel.accel);
}

/** Spare VMs to keep: one for each VM a check runs (defaultVms), or RUBBER_WORKSHOP_SPARES (0: none). */
export function spareVms(env = process.env): number {
  const set = Number(env.RUBBER_WORKSHOP_SPARES);
  return env.RUBBER_WORKSHOP_SPARES && Number.isInteger(set) && set >= 0 ? set : defaultVms();
}

/** Seconds for the whole run: boot plus a budget per level, so one hung command cannot stall a check forever. */
export function runTimeoutMs(levels: number, rdTimeoutS: number): number {
  return (30 + levels * rdTimeoutS * 3) * 1000;
}

/** Bundles the runtime, runs the checkers of levels 00..level in a fresh VM, and streams what happens. */
export async function* runCheck(opts: CheckOptions): AsyncGenerator<CheckEvent, Outcome> {
  const started = Date.now();
  const results: CheckResult[] = [];
  const tail: string[] = [];
  const levels = opts.only ? [opts.level] : levelsUpTo(opts.level, loadLevels().map((l) => l.id));
  const parts = opts.only ? opts.parts : undefined;
  const checksOf = (level: string) => (parts ? partChecks(level, parts, opts.checkersDir) : expectedChecks(level, opts.checkersDir));
  const planned = levels.flatMap((level) => checksOf(level).map((name) => ({ level, name })));
  const expected = planned.map((c) => `${c.level}/${c.name}`);
  const order = new Map(expected.map((key, i) => [key, i]));
  const finish = function* (verdict: Outcome['verdict'], error?: string): Generator<CheckEvent, Outcome> {
    // Levels and parts of them report side by side (several VMs): the outcome lists them as one VM would.
    const at = (r: CheckResult) => order.get(`${r.level}/${r.name}`) ?? expected.length;
    results.sort((a, b) => at(a) - at(b));
    const outcome: Outcome = { verdict, level: opts.level, results, tail, ms: Date.now() - started, ...(error ? { error } : {}) };
    yield { type: 'done', outcome };
    return outcome;
  };

  yield { type: 'plan', checks: planned };
  yield { type: 'stage', stage: 'bundle' };
  const entry = opts.entry ?? path.join(opts.workspaceDir, 'rd.ts');
  const noRd = opts.source === undefined ? noEntry(entry) : undefined;
  if (noRd) return yield* finish('error', noRd);
  const bundle = await bundleRuntime(entry, opts.toolkit, opts.source, opts.origin);
  if (!bundle.ok) return yield* finish('error', `rd.ts does not build:\n${bundle.error}`);

  yield { type: 'stage', stage: 'boot' };
  let vm;
  try {
    vm = await requireVm();
  } catch (e) {
    return yield* finish('error', (e as Error).message);
  }
  if (guestToSave(vm.assets, vm.accel.accel)) {
    // Once after an update of QEMU or rubber-workshop (≈ 13 s under TCG) instead of a boot from scratch every check.
    const t = Date.now();
    yield { type: 'stage', stage: 'save' };
    yield { type: 'saved', ok: await saveGuest(vm.assets, vm.accel.accel), ms: Date.now() - t };
    yield { type: 'stage', stage: 'boot' };
  }
  const rdTimeoutS = opts.rdTimeoutS ?? 20;
  const plan = parts ? [[{ level: opts.level, parts }]] : planRuns(levels, opts.vms ?? 1, opts.checkersDir);
  // The VMs stop with the caller's signal, and also when the caller leaves this check before its end (a grade's
  // time limit, a first failure it waited for): their runs then end, and with them their timers and files.
  const vms = new AbortController();
  const stopVms = () => vms.abort();
  opts.signal?.addEventListener('abort', stopVms, { once: true });
  if (opts.signal?.aborted) stopVms();
  const runs = plan.map((group) => runVm({
    assets: vm.assets,
    accel: vm.accel.accel,
    timeoutMs: runTimeoutMs(group.length, rdTimeoutS),
    signal: vms.signal,
    payload: [
      { path: 'run.env', type: 'file', data: `MODE=check\nLEVELS="${group.map((r) => r.level).join(' ')}"\nTARGET=${opts.level}\nRD_TIMEOUT=${rdTimeoutS}\n` },
      { path: bundle.file, type: 'file', data: bundle.code },
      ...checkerFiles(group, opts.checkersDir),
    ],
  }));

  const ended = plan.map(() => false);
  let booted = false;
  let guestError: string | undefined;
  const merged = mergeRuns(runs);
  let ends: VmEnd[];
  let completed = false;
  try {
    for (;;) {
      const next = await merged.next();
      if (next.done) {
        ends = next.value;
        completed = true;
        break;
      }
      const [i, ev] = next.value;
      if (ev.type === 'booted' && !booted) {
        booted = true;
        yield { type: 'stage', stage: 'checks' };
      } else if (ev.type === 'log' || ev.type === 'forged') {
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
        } else if (r.kind === 'end') ended[i] = true;
        else if (r.kind === 'error') guestError ??= r.message;
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', stopVms);
    if (!completed) {
      stopVms();
      merged.return([]).catch(() => {});
    }
  }
  refillSpares(vm.assets, vm.accel.accel);

  const { missing, unknown, repeated } = compareReported(expected, results.map((r) => `${r.level}/${r.name}`));
  const failed = results.some((r) => r.status === 'fail');
  const unfinished = ended.indexOf(false);
  if (unfinished >= 0) return yield* finish('error', vmFailure(ends[unfinished]!, plan[unfinished]!.length, rdTimeoutS));
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

/** The error of a check stopped by its signal (a save under watch, Ctrl-C, the TUI's `x`). */
export const CANCELLED = 'the check was cancelled';

function vmFailure(end: VmEnd, levels: number, rdTimeoutS: number): string {
  if (end.reason === 'aborted') return CANCELLED;
  if (end.reason === 'timeout')
    return `the check did not finish within ${runTimeoutMs(levels, rdTimeoutS) / 1000} s: does rd hang?`;
  const qemu = end.qemuError ? `: ${end.qemuError.split('\n').slice(-3).join(' ')}` : '';
  return `the VM stopped before the checks finished${qemu}`;
}
