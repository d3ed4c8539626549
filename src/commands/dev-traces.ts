import path from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import { runCheck } from '../check/run.js';
import type { Outcome } from '../check/types.js';
import { formatReferenceTrace, passTrace, referenceTraceFile, solutionSha256 } from '../report/reference-trace.js';
import { paint, useColour } from '../ui/term.js';
import { toolkitSource } from '../workspace.js';
import { levelsNamed, why } from './dev-check.js';
import { parseCommand, type Command } from '../cli/args.js';

export const DEV_TRACES = {
  name: 'dev traces',
  synopsis: 'rubber-workshop dev traces [LEVEL…]',
  about: `For lesson authors, after changing a solution or a checker: checks each level's reference solution
(levels 00 to it, in a fresh VM) and keeps the trace of its level's first check that runs rd in
lessons/NN-*/solution.trace, which the workshop's s shows beside the learner's after a pass. Default: every level.

Options:
  -h, --help   show this help
`,
  options: {},
  maxPositionals: Infinity,
} as const;

/**
 * `rubber-workshop dev traces [LEVEL…]`: for lesson authors, after changing a solution or a checker: checks
 * each level's reference solution (levels 00..N, one VM each) and keeps the trace of the first check of its
 * level that runs rd in the level's solution.trace, which the TUI shows beside the learner's after a pass.
 */
export async function devTraces(argv: string[], signal: AbortSignal): Promise<number> {
  const parsed = parseCommand(DEV_TRACES, argv);
  if (!parsed) return 0;
  const colour = useColour();
  let bad = 0;
  for (const level of levelsNamed(parsed.positionals)) {
    let outcome: Outcome | undefined;
    // Levels 00..N, as a learner's check runs them (level 05's checks assume the image unpacked before it).
    const run = runCheck({ workspaceDir: level.dir, source: level.solution(), toolkit: toolkitSource, level: level.id, signal });
    for await (const ev of run) if (ev.type === 'done') outcome = ev.outcome;
    const found = outcome?.verdict === 'pass' ? passTrace(outcome, level.id) : undefined;
    if (!found) {
      bad++;
      const problem = !outcome ? 'no outcome' : outcome.verdict !== 'pass' ? `the solution ${why(outcome)}` : 'no check of the level carried a trace';
      console.log(paint('red', `✗ ${level.id}: ${problem}`, colour));
      continue;
    }
    writeFileAtomic(referenceTraceFile(level), formatReferenceTrace({ ...found, solutionSha256: solutionSha256(level) }));
    console.log(`${paint('green', '✓', colour)} ${level.id}: ${found.trace.split('\n').length} calls of ${found.check} → ${path.relative(process.cwd(), referenceTraceFile(level))}`);
  }
  return bad ? 1 : 0;
}

export const command: Command = { spec: DEV_TRACES, main: devTraces };
