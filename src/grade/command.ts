import { loadLevels } from '../lessons.js';
import { GRADE_HELP, parseGradeArgs } from './args.js';
import { GradeError, GradeUsageError } from './errors.js';
import { runGrade, type GradeDeps } from './grade.js';
import { mergeCommand } from './merge-command.js';
import { gradeProgress } from './progress.js';

export interface GradeCommandIo {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  cwd?: string;
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
  const command = `rubber-workshop grade${merging ? ' merge' : ''}`;
  const progress = merging ? undefined : gradeProgress({ stream: stderr, cwd });
  try {
    if (merging) return mergeCommand(argv.slice(1), { stdout, stderr, cwd });
    const levels = deps.levels ?? loadLevels().map((l) => l.id);
    const args = parseGradeArgs(argv, levels, cwd, io.env);
    if (!args) {
      stdout.write(GRADE_HELP);
      return 0;
    }
    const run = await runGrade({ ...args, signal, onEvent: progress!.onEvent, cwd }, { ...deps, levels });
    return run.interrupted ? 130 : 0;
  } catch (err) {
    if (!(err instanceof GradeError)) throw err;
    progress?.close(); // the live line must not overwrite the message
    const hint = err instanceof GradeUsageError ? `\nSee \`${command} --help\`.` : '';
    stderr.write(`${command}: ${err.message}${hint}\n`);
    return 2;
  } finally {
    progress?.close();
  }
}
