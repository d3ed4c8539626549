import { loadLevels } from '../lessons.js';
import { withUsage } from '../cli/args.js';
import { UserError, userErrorText } from '../errors.js';
import { GRADE, parseGradeArgs } from './args.js';
import { runGrade, type GradeDeps } from './grade.js';
import { MERGE, mergeCommand, type CommandIo } from './merge-command.js';
import { gradeProgress } from './progress.js';

export interface GradeCommandIo extends CommandIo {
  /** Where JOB_COMPLETION_INDEX is read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * `rubber-workshop grade PATH… [options]`: parses `argv` (the arguments after `grade`), grades with a
 * progress display on stderr, and returns the exit status: 0 every submission has a result, 2 the run
 * could not start (bad arguments, no VM assets, output folder busy), 130 interrupted through `signal`.
 * `grade merge …` joins shards instead (src/grade/merge-command.ts), with the same kind of errors.
 */
export async function gradeCommand(argv: string[], signal: AbortSignal, deps: GradeDeps, io: GradeCommandIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const merging = argv[0] === 'merge';
  const progress = merging ? undefined : gradeProgress({ stream: stderr, cwd });
  try {
    if (merging) return mergeCommand(argv.slice(1), { stdout, stderr, cwd });
    const levels = deps.levels ?? loadLevels().map((l) => l.id);
    const args = parseGradeArgs(argv, levels, cwd, io.env, stdout);
    if (!args) return 0;
    const run = await runGrade({ ...args, signal, onEvent: progress!.onEvent, cwd }, { ...deps, levels });
    return run.interrupted ? 130 : 0;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    progress?.close(); // the live line must not overwrite the message
    stderr.write(userErrorText(withUsage(err, merging ? MERGE : GRADE)));
    return err.exitCode;
  } finally {
    progress?.close();
  }
}
