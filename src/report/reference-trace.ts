import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Outcome } from '../check/types.js';
import type { Level } from '../lessons.js';
import { parseTrace } from './trace.js';

/**
 * The reference solution's trace of a level's first check that runs rd, kept in the level's folder
 * (solution.trace, written by `rubber-workshop dev traces`): the TUI shows it beside the learner's trace of
 * the same check after a pass, with no VM started for it.
 */
export interface ReferenceTrace {
  /** The check it comes from, e.g. `03/pivot-root`. */
  check: string;
  /** sha256 of the solution.ts it was recorded from: a different one means the file is stale. */
  solutionSha256: string;
  /** As checkers/lib.sh sends it: a call a line, after its mark. */
  trace: string;
}

const HEADER = /^# rd's calls in check (\S+) for solution\.ts sha256 ([0-9a-f]{64}) \(rubber-workshop dev traces\)$/;

export const referenceTraceFile = (level: Level) => path.join(level.dir, 'solution.trace');

export function solutionSha256(level: Level): string {
  return crypto.createHash('sha256').update(level.solution()).digest('hex');
}

export function formatReferenceTrace(r: ReferenceTrace): string {
  return `# rd's calls in check ${r.check} for solution.ts sha256 ${r.solutionSha256} (rubber-workshop dev traces)\n${r.trace}\n`;
}

/** The level's reference trace, or undefined if it has none (or the file is not one). */
export function readReferenceTrace(level: Level): ReferenceTrace | undefined {
  let text: string;
  try {
    text = fs.readFileSync(referenceTraceFile(level), 'utf8');
  } catch {
    return undefined;
  }
  const [first = '', ...rest] = text.trimEnd().split('\n');
  const m = HEADER.exec(first);
  return m ? { check: m[1]!, solutionSha256: m[2]!, trace: rest.join('\n') } : undefined;
}

/** The trace a level's checks carry on a pass: that of its first passing check after an rd call (lib.sh `pass`). */
export function passTrace(outcome: Outcome, level: string): { check: string; trace: string } | undefined {
  const r = outcome.results.find((x) => x.level === level && x.status === 'pass' && x.trace);
  return r && { check: `${r.level}/${r.name}`, trace: r.trace! };
}

/**
 * The calls of a trace without what changes from run to run — PIDs, the container's id (whatever its form,
 * found as the folder rd made in /workshop/containers), the probe's random marker — so that two runtimes'
 * traces can be compared line by line.
 */
export function comparableCalls(trace: string): string[] {
  const calls = parseTrace(trace).map((l) => l.call);
  const id = calls.join('\n').match(/\/workshop\/containers\/(?!images\/)([^/"]+)\//)?.[1];
  return calls.map((call) => {
    const plain = call.replace(/^(parent|init) \d+ /, '$1 ').replace(/sleep \d+\.\d+/g, 'sleep <marker>');
    return id && id.length >= 4 ? plain.split(id).join('<id>') : plain;
  });
}
