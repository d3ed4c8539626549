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

/** Reads a result file's JSON; undefined if it is not one (a torn or foreign file is graded again, not trusted). */
export function parseResult(text: string): GradeResult | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = data as Partial<GradeResult> | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    r.version === 1 &&
    typeof r.learner === 'string' &&
    typeof r.path === 'string' &&
    typeof r.level === 'string' &&
    (r.status === 'pass' || r.status === 'fail' || r.status === 'error') &&
    typeof r.provenance?.sources_sha256 === 'string' &&
    typeof r.scores === 'object' &&
    r.scores !== null;
  return ok ? (r as GradeResult) : undefined;
}
