import * as v from 'valibot';
import { readJsonFileIfValid, type Schema } from '../json-file.js';
import type { Verdict } from '../check/types.js';
import type { JsonProvenance, JsonReport } from '../report/json.js';
import type { LevelScore } from './score.js';

/** One learner's grade: `<out>/results/<learner>.json`. */
export interface GradeResult {
  /** Version of this document's shape. */
  version: 1;
  /** The result file's name without .json; unique within the output folder. */
  learner: string;
  /** The graded folder (absolute); with `provenance.sources_sha256` it identifies the submission. */
  path: string;
  /** The folder's git commit, when it is a git clone. */
  git_commit?: string;
  status: Verdict;
  /** Why it failed (first failed check) or could not run; null on pass. */
  reason: string | null;
  /** The highest level graded. */
  level: string;
  scores: Record<string, LevelScore>;
  /** Sum of the level scores, out of `max`. */
  total: number;
  max: number;
  time_ms: number;
  graded_at: string;
  provenance: JsonProvenance;
  /** The checks as `check --json` reports them (without its provenance, which is above). */
  report: Omit<JsonReport, 'provenance'>;
  /**
   * Present while the result stands only for now: a time limit decided it as other submissions were graded
   * beside it, so it is to be graded again alone (at the end of the run, or by a resumed run if this one was
   * interrupted first).
   */
  to_grade_alone?: true;
}

/**
 * Why an earlier result no longer stands for the same folder, or undefined if it does: it must have been
 * graded from the same sources, at the same level, by the same tool, checkers and VM.
 */
export function staleReason(previous: GradeResult, current: Pick<GradeResult, 'level' | 'provenance'>): string | undefined {
  const [p, c] = [previous.provenance, current.provenance];
  if (p.sources_sha256 !== c.sources_sha256) return 'the sources changed';
  if (previous.level !== current.level) return 'the level changed';
  if (p.checkers_sha256 !== c.checkers_sha256) return 'the checkers changed';
  if (p.vm_assets_digest !== c.vm_assets_digest) return 'the VM changed';
  if (p.tool_version !== c.tool_version) return 'rubber-workshop was updated';
  return undefined;
}

const verdict = v.picklist(['pass', 'fail', 'error'] satisfies Verdict[]);
const provenance = v.object({
  sources_sha256: v.string(),
  sources: v.record(v.string(), v.string()),
  tool_version: v.string(),
  checkers_sha256: v.string(),
  vm_assets_digest: v.string(),
});
const check = v.object({
  level: v.string(),
  name: v.string(),
  status: v.picklist(['pass', 'fail']),
  message: v.string(),
  expected: v.optional(v.string()),
  actual: v.optional(v.string()),
  command: v.optional(v.string()),
  output: v.optional(v.string()),
  trace: v.optional(v.array(v.object({ call: v.string(), pointed: v.boolean(), level: v.boolean(), failed: v.boolean() }))),
  time_ms: v.number(),
});

/** results/<learner>.json, as grading writes it. */
export const GradeResultFile: Schema<GradeResult> = v.object({
  version: v.literal(1),
  learner: v.string(),
  path: v.string(),
  git_commit: v.optional(v.string()),
  status: verdict,
  reason: v.nullable(v.string()),
  level: v.string(),
  scores: v.record(v.string(), v.object({ passed: v.number(), total: v.number(), score: v.number() })),
  total: v.number(),
  max: v.number(),
  time_ms: v.number(),
  graded_at: v.string(),
  provenance,
  report: v.object({
    version: v.literal(1),
    status: verdict,
    message: v.nullable(v.string()),
    level: v.string(),
    passed: v.number(),
    failed: v.number(),
    tests: v.array(check),
    tail: v.optional(v.array(v.string())),
    time_ms: v.number(),
  }),
  to_grade_alone: v.optional(v.literal(true)),
});

/** A result file's data; undefined if it is not one (a torn or foreign file is graded again, not trusted). */
export function readResult(file: string): GradeResult | undefined {
  return readJsonFileIfValid(file, GradeResultFile);
}
