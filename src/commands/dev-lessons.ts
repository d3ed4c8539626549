import fs from 'node:fs';
import path from 'node:path';
import { chainFiles, loadLevels } from '../lessons.js';
import { lessonsDir } from '../paths.js';
import { exportChain, importChain } from '../lesson-chain.js';
import { UsageError } from './vm-exec.js';

const USAGE = 'usage: rubber-workshop dev lessons export DIR | dev lessons import DIR';

/**
 * `rubber-workshop dev lessons export|import DIR`, for lesson authors: the level chain written out as whole
 * files to edit, and the edits taken back into its patches.
 */
export async function devLessons(argv: string[]): Promise<number> {
  const [action, dir, ...extra] = argv;
  if ((action !== 'export' && action !== 'import') || !dir || extra.length) throw new UsageError(USAGE);
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
