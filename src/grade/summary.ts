import type { Verdict } from '../check/types.js';
import type { ToolProvenance } from '../check/provenance.js';
import { oneLine } from '../report/text.js';
import type { GradeResult } from './result.js';
import { byCodeUnits } from './shard.js';

/** One learner in the class summary; "pending" when the run was interrupted before grading them. */
export interface ClassRow {
  learner: string;
  path: string;
  status: Verdict | 'pending';
  /** Score per level, 0..1. */
  scores: Record<string, number>;
  total: number;
  max: number;
  time_ms: number;
  reason: string | null;
  sources_sha256: string | null;
  result_file: string | null;
}

export interface ClassSummary {
  version: 1;
  generated_at: string;
  level: string;
  levels: string[];
  tool_version: string;
  checkers_sha256: string;
  vm_assets_digest: string;
  counts: Record<ClassRow['status'], number>;
  learners: ClassRow[];
  /** Set by `grade merge`: the shard folders joined, and what is missing or does not match. */
  merged?: { shards: string[]; problems: string[] };
}

export function rowFromResult(r: GradeResult, resultFile: string): ClassRow {
  return {
    learner: r.learner,
    path: r.path,
    status: r.status,
    scores: Object.fromEntries(Object.entries(r.scores).map(([level, s]) => [level, s.score])),
    total: r.total,
    max: r.max,
    time_ms: r.time_ms,
    reason: r.reason,
    sources_sha256: r.provenance.sources_sha256,
    result_file: resultFile,
  };
}

const INTERRUPTED = 'not graded yet: the run was interrupted (finish it with --resume)';

export function pendingRow(learner: string, path: string, levels: readonly string[], reason: string = INTERRUPTED): ClassRow {
  return {
    learner,
    path,
    status: 'pending',
    scores: Object.fromEntries(levels.map((l) => [l, 0])),
    total: 0,
    max: levels.length,
    time_ms: 0,
    reason,
    sources_sha256: null,
    result_file: null,
  };
}

/** The class summary, learners in name order, so shards merged list them as one run would. */
export function classSummary(rows: ClassRow[], level: string, levels: string[], tool: ToolProvenance, now: Date): ClassSummary {
  const counts = { pass: 0, fail: 0, error: 0, pending: 0 };
  for (const row of rows) counts[row.status]++;
  return {
    version: 1,
    generated_at: now.toISOString(),
    level,
    levels,
    tool_version: tool.toolVersion,
    checkers_sha256: tool.checkersSha256,
    vm_assets_digest: tool.vmAssetsDigest,
    counts,
    learners: [...rows].sort((a, b) => byCodeUnits(a.learner, b.learner)),
  };
}

/** class.csv: one row per learner (RFC 4180, with a header row). */
export function summaryCsv(summary: ClassSummary): string {
  const header = ['learner', 'status', ...summary.levels, 'total', 'max', 'time_s', 'reason', 'path', 'sources_sha256', 'result_file'];
  const rows = summary.learners.map((r) => [
    text(r.learner),
    r.status,
    ...summary.levels.map((l) => String(r.scores[l] ?? 0)),
    String(r.total),
    String(r.max),
    (r.time_ms / 1000).toFixed(1),
    text(r.reason ? oneLine(r.reason) : ''),
    text(r.path),
    r.sources_sha256 ?? '',
    text(r.result_file ?? ''),
  ]);
  return [header, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * Text that came from learners (folder names, error output) must not run as a spreadsheet formula when
 * the instructor opens the file, so a leading = + - @ is neutralised with an apostrophe, as OWASP advises.
 */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * A cell, quoted when it holds a separator: a comma, or a semicolon or a tab, which spreadsheets in many locales or
 * import dialogs split at (a cell split there would start with whatever follows, a formula say).
 */
function csvCell(value: string): string {
  return /[",;\t\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
