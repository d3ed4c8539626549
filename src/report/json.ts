import type { CheckResult, Outcome, Verdict } from '../check/types.js';
import type { Provenance } from '../check/provenance.js';
import { parseTrace, type TraceLine } from './trace.js';

/** One check in a JSON report. */
export interface JsonCheck {
  level: string;
  name: string;
  status: 'pass' | 'fail';
  message: string;
  expected?: string;
  actual?: string;
  /** The command the checker ran, as the learner could type it in the VM. */
  command?: string;
  output?: string;
  /** What rd says it did during that command, a call a line (the learner's program talking: never a verdict). */
  trace?: TraceLine[];
  time_ms: number;
}

export interface JsonProvenance {
  sources_sha256: string;
  sources: Record<string, string>;
  tool_version: string;
  checkers_sha256: string;
  vm_assets_digest: string;
}

/**
 * The `check --json` document, in the spirit of Exercism's results.json: an overall status, a message
 * when the checks could not run, and one entry per check.
 */
export interface JsonReport {
  /** Version of this document's shape. */
  version: 1;
  status: Verdict;
  /** Why the checks could not run (status "error"), else null. */
  message: string | null;
  /** The level checked; the checks of 00..level ran. */
  level: string;
  passed: number;
  failed: number;
  tests: JsonCheck[];
  /** The VM's last lines, when something went wrong. */
  tail?: string[];
  time_ms: number;
  provenance?: JsonProvenance;
}

export function jsonReport(outcome: Outcome, provenance?: Provenance): JsonReport {
  const passed = outcome.results.filter((r) => r.status === 'pass').length;
  return {
    version: 1,
    status: outcome.verdict,
    message: outcome.verdict === 'error' ? (outcome.error ?? 'the checks could not run') : null,
    level: outcome.level,
    passed,
    failed: outcome.results.length - passed,
    tests: outcome.results.map(jsonCheck),
    ...(outcome.verdict !== 'pass' && outcome.tail.length > 0 && { tail: outcome.tail }),
    time_ms: outcome.ms,
    ...(provenance && { provenance: jsonProvenance(provenance) }),
  };
}

/** The JSON report as text (pretty-printed, ending in a newline). */
export function toJson(outcome: Outcome, provenance?: Provenance): string {
  return `${JSON.stringify(jsonReport(outcome, provenance), null, 2)}\n`;
}

function jsonCheck(r: CheckResult): JsonCheck {
  return {
    level: r.level,
    name: r.name,
    status: r.status,
    message: r.message,
    ...(r.expected !== undefined && { expected: r.expected }),
    ...(r.actual !== undefined && { actual: r.actual }),
    ...(r.command !== undefined && { command: r.command }),
    ...(r.output !== undefined && { output: r.output }),
    ...(r.trace !== undefined && { trace: parseTrace(r.trace) }),
    time_ms: r.ms,
  };
}

export function jsonProvenance(p: Provenance): JsonProvenance {
  return {
    sources_sha256: p.sourcesSha256,
    sources: p.sources,
    tool_version: p.toolVersion,
    checkers_sha256: p.checkersSha256,
    vm_assets_digest: p.vmAssetsDigest,
  };
}
