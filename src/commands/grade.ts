import { gradeCommand } from '../grade/command.js';
import { runCheck } from '../check/run.js';
import { assetsDigest } from '../vm/assets.js';
import { requireVm } from '../vm/ready.js';

/** `rubber-workshop grade PATH…`: grades a class, each learner in fresh VMs. */
export function grade(argv: string[], signal: AbortSignal): Promise<number> {
  return gradeCommand(argv, signal, { runCheck, assetsDigest, preflight: requireVm });
}
