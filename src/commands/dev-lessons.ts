import fs from 'node:fs';
import path from 'node:path';
import { chainFiles, loadLevels } from '../lessons.js';
import { lessonsDir } from '../paths.js';
import { exportChain, importChain } from '../lesson-chain.js';
import { parseCommand, usageError, type Command } from '../cli/args.js';
import { UsageError } from '../errors.js';

export const DEV_LESSONS = {
  name: 'dev lessons',
  synopsis: 'rubber-workshop dev lessons export DIR | dev lessons import DIR',
  about: `For lesson authors. export writes every level's stub, solution and wrong variants to DIR as whole
files; import takes the edits made there back into the level chain's patches (lessons/*/), carrying a fix
at level N into every later level, then exports again. See lessons/README.md, "Editing the chain".

Options:
  -h, --help   show this help
`,
  options: {},
  maxPositionals: 2,
} as const;

/**
 * `rubber-workshop dev lessons export|import DIR`, for lesson authors: the level chain written out as whole
 * files to edit, and the edits taken back into its patches.
 */
export async function devLessons(argv: string[]): Promise<number> {
  const parsed = parseCommand(DEV_LESSONS, argv);
  if (!parsed) return 0;
  const [action, dir] = parsed.positionals;
  if ((action !== 'export' && action !== 'import') || !dir) throw usageError(DEV_LESSONS, 'say export DIR or import DIR');
  const target = path.resolve(dir);
  if (!path.relative(lessonsDir, target).startsWith('..')) throw new UsageError(`${dir} is inside the lessons folder, where whole files do not belong: use a folder outside it`);
  if (action === 'import') {
    if (!fs.existsSync(target)) throw new UsageError(`${dir} does not exist: make it with rubber-workshop dev lessons export ${dir}`);
    const written = importChain(chainFiles(loadLevels(), target), target);
    console.log(written.length ? `Updated:\n  ${written.join('\n  ')}` : 'No lesson file changed.');
  }
  // After an import too: the export then shows what the edits carried into the later levels.
  const levels = loadLevels();
  const problems = exportChain(chainFiles(levels), target);
  console.log(`${dir} holds the whole stub, solution and wrong variants of ${levels.length} levels. After editing: rubber-workshop dev lessons import ${dir}`);
  if (!problems.length) return 0;
  // A patch whose lines only moved (say, after a merge) is carried over by an import; another needs its whole file.
  console.error(`Not written, as a patch does not fit (import ${dir} carries over what it can; write the rest whole in ${dir}):\n  ${problems.join('\n  ')}`);
  return 1;
}

export const command: Command = { spec: DEV_LESSONS, main: devLessons };
