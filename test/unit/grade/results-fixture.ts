import type { JsonCheck } from '../../../src/report/json.js';
import type { GradeResult } from '../../../src/grade/result.js';
import { scoreLevels, totalScore } from '../../../src/grade/score.js';

/** Grade results made by hand, for what is drawn from them (class.html). */
export const levels = ['00', '01'];
export const check = (level: string, name: string, message = '', extra: Partial<JsonCheck> = {}): JsonCheck => ({ level, name, status: message ? 'fail' : 'pass', message, time_ms: 1, ...extra });

export function result(learner: string, tests: JsonCheck[], over: Partial<GradeResult> = {}): GradeResult {
  const scores = scoreLevels(tests.map((t) => ({ level: t.level, name: t.name, status: t.status, message: t.message, ms: 1 })), levels, {});
  const failed = tests.filter((t) => t.status === 'fail').length;
  return {
    version: 1,
    learner,
    path: `/class/${learner}`,
    status: failed ? 'fail' : 'pass',
    reason: null,
    level: '01',
    scores,
    total: totalScore(scores),
    max: 2,
    time_ms: 61_000,
    graded_at: '2026-01-01T00:00:00.000Z',
    provenance: { sources_sha256: 'a'.repeat(64), sources: {}, tool_version: '1.0.0', checkers_sha256: 'c'.repeat(64), vm_assets_digest: 'v'.repeat(64) },
    report: { version: 1, status: failed ? 'fail' : 'pass', message: null, level: '01', passed: tests.length - failed, failed, tests, time_ms: 60_000 },
    ...over,
  };
}

