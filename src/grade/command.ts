import { loadLevels } from '../lessons.js';
import { GRADE_HELP, parseGradeArgs } from './args.js';
import { GradeError, GradeUsageError } from './errors.js';
import { runGrade, type GradeDeps } from './grade.js';
import { gradeProgress } from './progress.js';

export interface GradeCommandIo {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  cwd?: string;
}

/**
 * `rubber-workshop grade PATH… [options]`: parses `argv` (the arguments after `grade`), grades with a
 * progress display on stderr, and returns the exit status: 0 every submission has a result, 2 the run
 * could not start (bad arguments, no VM assets, output folder busy), 130 interrupted through `signal`.
 */
export async function gradeCommand(argv: string[], signal: AbortSignal, deps: GradeDeps, io: GradeCommandIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const progress = gradeProgress({ stream: stderr, cwd });
  try {
    const levels = deps.levels ?? loadLevels().map((l) => l.id);
    const args = parseGradeArgs(argv, levels, cwd);
    if (!args) {
      stdout.write(GRADE_HELP);
      return 0;
    }
    const run = await runGrade({ ...args, signal, onEvent: progress.onEvent, cwd }, { ...deps, levels });
    return run.interrupted ? 130 : 0;
  } catch (err) {
    if (!(err instanceof GradeError)) throw err;
    progress.close(); // the live line must not overwrite the message
    const hint = err instanceof GradeUsageError ? '\nSee `rubber-workshop grade --help`.' : '';
    stderr.write(`rubber-workshop grade: ${err.message}${hint}\n`);
    return 2;
  } finally {
    progress.close();
  }
}
