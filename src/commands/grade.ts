import { gradeCommand } from '../grade/command.js';
import { runCheck } from '../check/run.js';
import { assetsDigest } from '../vm/assets.js';
import { requireSavedVm } from './saved-guest.js';
import { GRADE } from '../grade/args.js';
import type { Command } from '../cli/args.js';

/** `rubber-workshop grade PATH…`: grades a class, each learner in fresh VMs. */
export function grade(argv: string[], signal: AbortSignal): Promise<number> {
  return gradeCommand(argv, signal, { runCheck, assetsDigest, preflight: requireSavedVm });
}

// grade parses its own arguments (and grade merge's), and reports its own errors, to the streams it is given.
export const command: Command = { spec: GRADE, main: grade };
