import type { GradeArgs } from './args.js';
import { makeTemp } from '../temp.js';
import fs from 'node:fs';
import path from 'node:path';
import type { CheckResult, Outcome } from '../check/types.js';
import { digestSources, moduleSources, readSources, toolProvenance, type NamedContent, type ToolProvenance } from '../check/provenance.js';
import { workspaceModules } from '../check/bundle.js';
import { loadLevels } from '../lessons.js';
import { expectedChecks } from '../check/checkers.js';
import { jsonProvenance, jsonReport, type JsonProvenance } from '../report/json.js';
import { GradeError } from './errors.js';
import { gitCommit } from './git.js';
import { limitedCheck, type RunCheck } from './limited-check.js';
import { runPool } from '../pool.js';
import { staleReason, type GradeResult } from './result.js';
import { scoreLevels, totalScore } from './score.js';
import { ResultStore } from './store.js';
import { discoverSubmissions, type Submission } from './submissions.js';
import { classSummary, pendingRow, rowFromResult, type ClassSummary } from './summary.js';
import { writeClassFiles } from './class-files.js';
import { shardManifest, writeManifest } from './manifest.js';
import { assignShards, type Shard } from './shard.js';

export interface GradeOptions extends GradeArgs {
  /** Aborting it stops the run: running checks are abandoned and their submissions stay ungraded. */
  signal?: AbortSignal;
  onEvent?: (event: GradeEvent) => void;
  /** Resolves relative PATHs. */
  cwd?: string;
}

export interface GradeDeps {
  /** The check runner, src/check/run.ts. */
  runCheck: RunCheck;
  /** The VM assets' digest, src/vm/assets.ts; "none" means the assets are not built. */
  assetsDigest: () => Promise<string>;
  /**
   * Throws, with a message saying what to fix, when no VM can run (src/vm/ready.ts's requireVm).
   * Checked before grading: otherwise every learner would be recorded as "error" for the machine's fault.
   */
  preflight?: () => Promise<unknown>;
  /** Level ids in order; from the lessons manifest by default. */
  levels?: string[];
  /** Checker scripts folder, for the checkers' digest. */
  checkersDir?: string;
  now?: () => Date;
}

export type GradeEvent =
  | {
      type: 'plan';
      /** The workspaces this run grades: the whole class, or with --shard its share of `classSize`. */
      submissions: number;
      shard?: Shard;
      classSize?: number;
      toGrade: number;
      /** Earlier results that still stand (--resume). */
      kept: number;
      /** Earlier results graded again, counted by why ("the checkers changed"). */
      regraded: Record<string, number>;
      jobs: number;
      level: string;
      out: string;
    }
  | { type: 'start'; learner: string }
  | { type: 'progress'; learner: string; what: string }
  /** again: graded a second time, alone, after running out of time beside others (see `regrade`). */
  | { type: 'graded'; result: GradeResult; done: number; toGrade: number; again?: boolean }
  /** These ran out of time while `jobs` ran at once: they are graded again, one at a time. */
  | { type: 'regrade'; learners: string[]; jobs: number }
  | { type: 'end'; summary: ClassSummary; interrupted: boolean; ms: number; files: string[] };

export interface GradeRun {
  summary: ClassSummary;
  /** True when the run was stopped before every submission had a result. */
  interrupted: boolean;
  /** Submissions graded by this run, and submissions whose earlier result still stood. */
  graded: number;
  kept: number;
}

/** A submission ready to grade: its sources read once, so the digest names exactly what the runner gets. */
interface Planned {
  submission: Submission;
  learner: string;
  sources: NamedContent[];
  provenance: JsonProvenance;
  /** Why it cannot be graded; it gets an "error" result with this reason. */
  problem?: string;
}

/**
 * Grades every submission found in `opts.paths` at levels 00..`opts.level`, each in its own fresh VM
 * (through `deps.runCheck`), `opts.jobs` at a time. Writes `results/<learner>.json` per learner as soon as
 * it is graded, then class.csv, class.json and class.html. With `shard`, only that share of the class is
 * graded; either way shard.json says first what the run sets out to grade, for `grade merge`. With
 * `resume`, results of unchanged submissions graded the same way are kept. Throws {@link GradeError}
 * when the run cannot start.
 */
export async function runGrade(opts: GradeOptions, deps: GradeDeps): Promise<GradeRun> {
  const started = Date.now();
  const now = deps.now ?? (() => new Date());
  const emit = opts.onEvent ?? (() => {});
  const allLevels = deps.levels ?? loadLevels().map((l) => l.id);
  const levels = allLevels.slice(0, allLevels.indexOf(opts.level) + 1);
  if (levels.length === 0) throw new GradeError(`there is no level ${opts.level}`);
  const submissions = discoverSubmissions(opts.paths, opts.cwd);
  const tool = await toolProvenance(deps.assetsDigest, deps.checkersDir);
  const declared = Object.fromEntries(levels.map((level) => [level, expectedChecks(level, deps.checkersDir).length]));
  if (tool.vmAssetsDigest === 'none') throw new GradeError('the VM assets are not built yet: run `rubber-workshop setup` first');
  try {
    await deps.preflight?.();
  } catch (err) {
    throw new GradeError((err as Error).message);
  }

  const store = new ResultStore(opts.out);
  const release = await store.lock();
  const tmp = makeTemp('rubber-grade-');
  try {
    store.load();
    if (store.size > 0 && !opts.resume) {
      throw new GradeError(`${opts.out} already holds results: add --resume to finish or update that run, or choose another --out`);
    }
    // Every learner of the class is named first, so names (and with them the split) come out the same
    // in every shard as on one machine.
    const learners = submissions.map((s) => store.assign(s.dir, s.name));
    const shard = opts.shard ?? { index: 1, count: 1 };
    const owner = assignShards(learners, shard.count);
    const mine = submissions.filter((_, i) => owner.get(learners[i]!) === shard.index);
    writeManifest(opts.out, shardManifest(shard, opts.level, levels, tool, learners));

    const current = new Map<string, GradeResult>();
    const toGrade: Planned[] = [];
    const regraded: Record<string, number> = {};
    for (const submission of mine) {
      const planned = await plan(submission, store, tool);
      const previous = opts.resume ? store.previous(submission.dir) : undefined;
      const why = previous && (staleReason(previous, { level: opts.level, provenance: planned.provenance })
        ?? (previous.to_grade_alone ? 'it ran out of time beside others' : undefined)
        ?? (opts.retryErrors && previous.status === 'error' ? 'it was an error' : undefined));
      if (previous && !why) current.set(submission.dir, previous);
      else toGrade.push(planned);
      if (why) regraded[why] = (regraded[why] ?? 0) + 1;
    }
    emit({ type: 'plan', submissions: mine.length, ...(opts.shard && { shard: opts.shard, classSize: submissions.length }), toGrade: toGrade.length, kept: current.size, regraded, jobs: opts.jobs, level: opts.level, out: opts.out });

    let done = 0;
    const late = new Map<Planned, Set<string>>(); // → the checks whose rd call ran out of time
    const gradeAll = (planned: Planned[], jobs: number, again: boolean) =>
      runPool(
        planned,
        jobs,
        async (p) => {
          emit({ type: 'start', learner: p.learner });
          // Graded again, it stops at the first check that runs out of time as it did the first time: that
          // confirms the first result (a runtime that truly hangs costs one rd limit more, not its whole run).
          const first = again ? late.get(p) : undefined;
          const stopAt = first && ((r: CheckResult) => first.has(`${r.level}/${r.name}`) && rdOutOfTime(r));
          const graded = await gradeOne(p, { ...opts, levels, declared, tmp, runCheck: deps.runCheck, now, emit }, stopAt);
          if (!graded) return;
          // Marked until graded again, so that a run interrupted before then leaves it to --resume.
          const crowded = 'result' in graded && !again && jobs > 1 && ranOutOfTime(graded.outcome);
          const { to_grade_alone: _, ...kept } = 'result' in graded ? graded.result : current.get(p.submission.dir)!;
          const result: GradeResult = crowded ? { ...kept, to_grade_alone: true } : kept;
          store.write(result);
          current.set(p.submission.dir, result);
          if (crowded) late.set(p, new Set(graded.outcome.results.filter(rdOutOfTime).map((r) => `${r.level}/${r.name}`)));
          emit({ type: 'graded', result, done: again ? done : ++done, toGrade: toGrade.length, ...(again && { again }) });
        },
        opts.signal,
      );
    const jobs = Math.min(opts.jobs, toGrade.length);
    await gradeAll(toGrade, jobs, false);
    // Several VMs at once share the CPUs: a machine busier than planned can slow a correct runtime past a time
    // limit. Whatever ran out of time is graded again alone, and that result stands.
    if (late.size && !opts.signal?.aborted) {
      emit({ type: 'regrade', learners: [...late.keys()].map((p) => p.learner), jobs });
      await gradeAll([...late.keys()], 1, true);
    }

    const rows = mine.map((s) => {
      const result = current.get(s.dir);
      const learner = store.assign(s.dir, s.name);
      return result ? rowFromResult(result, path.relative(opts.out, store.fileOf(learner))) : pendingRow(learner, s.dir, levels);
    });
    const summary = classSummary(rows, opts.level, levels, tool, now());
    const files = writeClassFiles(opts.out, summary, [...current.values()]);
    const interrupted = summary.counts.pending > 0;
    emit({ type: 'end', summary, interrupted, ms: Date.now() - started, files });
    return { summary, interrupted, graded: done, kept: mine.length - toGrade.length };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    release();
  }
}

async function plan(submission: Submission, store: ResultStore, tool: ToolProvenance): Promise<Planned> {
  const learner = store.assign(submission.dir, submission.name);
  let problem = submission.problem;
  let sources: NamedContent[] = [];
  if (!problem) {
    try {
      sources = readSources(submission.dir);
      if (!sources.some((s) => s.name === 'rd.ts')) problem = 'no rd.ts in this folder';
    } catch (err) {
      problem = `cannot read the workspace: ${(err as Error).message}`;
      sources = [];
    }
  }
  problem ??= modulesProblem(submission.dir);
  // What node_modules adds to the bundle counts too; the copy links node_modules rather than holding it.
  const digest = digestSources(problem ? sources : [...sources, ...await moduleSources(submission.dir)]);
  const provenance = jsonProvenance({ sourcesSha256: digest.sha256, sources: digest.files, ...tool });
  return { submission, learner, sources, provenance, ...(problem && { problem }) };
}

/**
 * Why the workspace's node_modules cannot be used (it leads out of the workspace: see workspaceModules), said
 * before any VM starts; the copy's bundle would refuse it too.
 */
function modulesProblem(dir: string): string | undefined {
  try {
    workspaceModules(dir);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

interface GradeContext extends GradeOptions {
  levels: string[];
  /** How many checks each level's checker declares: what a level is scored against. */
  declared: Record<string, number>;
  tmp: string;
  runCheck: RunCheck;
  now: () => Date;
  emit: (event: GradeEvent) => void;
}

/**
 * Grades one submission on a private copy of its sources; undefined if the run was interrupted meanwhile,
 * `confirmed` if `stopAt` ended it early.
 */
async function gradeOne(p: Planned, ctx: GradeContext, stopAt?: (r: CheckResult) => boolean): Promise<{ result: GradeResult; outcome: Outcome } | { confirmed: CheckResult } | undefined> {
  const started = Date.now();
  if (p.problem) {
    const outcome = errorOutcome(ctx.level, p.problem);
    return { result: toResult(p, outcome, 0, ctx), outcome };
  }
  const copy = path.join(ctx.tmp, p.learner);
  try {
    writeCopy(p, copy);
    const outcome = await limitedCheck({
      runCheck: ctx.runCheck,
      workspaceDir: copy,
      origin: p.submission.dir,
      level: ctx.level,
      timeoutMs: ctx.timeoutMs,
      ...(ctx.signal && { signal: ctx.signal }),
      onProgress: (what) => ctx.emit({ type: 'progress', learner: p.learner, what }),
      ...(stopAt && { stopAt }),
    });
    if (!outcome) return undefined;
    if ('stoppedAt' in outcome) return { confirmed: outcome.stoppedAt };
    return { result: toResult(p, outcome, Date.now() - started, ctx), outcome };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** A check failed because its rd call ran out of time (checkers/lib.sh's fail, sent on the signed channel). */
const rdOutOfTime = (r: CheckResult) => r.status === 'fail' && r.message.startsWith('rd did not finish within');

/**
 * Whether a time limit decided the outcome: the whole check's (its error begins as limited-check.ts's or
 * check/run.ts's does; other errors may quote the learner's code, as a build error does) or an rd call's.
 */
function ranOutOfTime(outcome: Outcome): boolean {
  return outcome.verdict !== 'pass' && (/^the checks? did not finish within /.test(outcome.error ?? '') || outcome.results.some(rdOutOfTime));
}

/**
 * The runner gets a copy, never the workspace: it may write build output next to rd.ts, and the learner
 * may still be editing. Dependencies the learner installed are linked, not copied; the bundle takes them
 * only if they lie in the workspace (the check's `origin`).
 */
function writeCopy(p: Planned, dir: string): void {
  for (const { name, content } of p.sources) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const modules = path.join(p.submission.dir, 'node_modules');
  if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
}

function errorOutcome(level: string, error: string): Outcome {
  return { verdict: 'error', level, results: [], error, tail: [], ms: 0 };
}

function toResult(p: Planned, outcome: Outcome, ms: number, ctx: GradeContext): GradeResult {
  const scores = scoreLevels(outcome.results, ctx.levels, ctx.declared);
  const commit = gitCommit(p.submission.dir);
  const report = jsonReport(outcome);
  return {
    version: 1,
    learner: p.learner,
    path: p.submission.dir,
    ...(commit && { git_commit: commit }),
    status: outcome.verdict,
    reason: reasonOf(outcome),
    level: ctx.level,
    scores,
    total: totalScore(scores),
    max: ctx.levels.length,
    time_ms: ms,
    graded_at: ctx.now().toISOString(),
    provenance: p.provenance,
    report,
  };
}

/** The one line an instructor reads first: why it could not run, or the first check that failed. */
function reasonOf(outcome: Outcome): string | null {
  if (outcome.verdict === 'error') return outcome.error ?? 'the checks could not run';
  const failed = outcome.results.find((r) => r.status === 'fail');
  if (outcome.verdict === 'fail') return failed ? `${failed.level}/${failed.name}: ${failed.message}` : 'a check failed';
  return null;
}
