import fs from 'node:fs';
import path from 'node:path';
import { lessonsDir } from './paths.js';
import { LessonError, wholeText, type ChainFile } from './lesson-chain.js';

export { LessonError } from './lesson-chain.js';
import { readJsonFile } from './json-file.js';
import { LessonManifest } from './schemas.js';

/** A known-wrong runtime: the level's solution with one mistake, stored as a patch against it. */
export interface WrongVariant {
  /** File name without extension, e.g. "forgot-ms-private". */
  name: string;
  /** wrong/<name>.patch: the header lines, then a unified diff against the level's solution. */
  file: string;
  /** The mistake, from the variant's `// wrong:` header line. */
  mistake: string;
  /** The check that must fail, "LL/name", from its `// fails:` header line. */
  fails: string;
  chain: ChainFile;
}

export interface Level {
  id: string;
  title: string;
  dir: string;
  lessonFile: string;
  /** Tiered hints, mildest first. */
  hints: string[];
  wrong: WrongVariant[];
  /** This level's files in the chain: its solution, then its stub. */
  solutionFile: ChainFile;
  stubFile: ChainFile;
  /** The whole rd.ts a learner starts this level from. */
  stub(): string;
  /** The whole reference rd.ts. */
  solution(): string;
}

interface ManifestEntry { id: string; dir: string; title: string }

/**
 * Reads lessons/manifest.json and each level folder; the manifest order is the level order, then each pack's
 * (`"packs": ["folder"]`: a folder of levels with a manifest.json of its own) in turn.
 */
export function loadLevels(root = lessonsDir): Level[] {
  const levels: Level[] = [];
  for (const { entry, dir } of readManifest(root, root)) {
    const previous = levels.at(-1);
    levels.push(loadLevel(root, dir, entry, previous));
  }
  return levels;
}

/** The manifest's levels, each with its folder; a mistake is an error naming the manifest file and the field. */
function readManifest(root: string, folder: string, seen = new Map<string, string>()): { entry: ManifestEntry; dir: string }[] {
  const file = path.join(folder, 'manifest.json');
  const shown = path.join(path.basename(root), path.relative(root, file));
  const fail = (field: string, problem: string): never => {
    throw new LessonError(`${shown}: ${field} ${problem}`);
  };
  const data = readJsonFile(file, LessonManifest, shown);
  const found = data.levels.map(({ id, dir, title }, i) => {
    const at = `levels[${i}]`;
    if (seen.has(id)) fail(`${at}.id`, `"${id}" is already the id of ${seen.get(id)}`);
    seen.set(id, `${shown} ${at}`);
    const full = path.join(folder, dir);
    if (!fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
      fail(`${at}.dir`, `"${dir}" is not a folder beside the manifest`);
    }
    return { entry: { id, dir, title }, dir: full };
  });
  const packs = data.packs ?? [];
  const missing = packs.find((p) => !fs.existsSync(path.join(folder, p, 'manifest.json')));
  if (missing !== undefined) fail('"packs"', `names "${missing}", which is not a folder beside the manifest with a manifest.json`);
  return [...found, ...packs.flatMap((pack) => readManifest(root, path.join(folder, pack), seen))];
}

/** A file of the chain stored as `stored` in the level folder `dir`, exported as `whole`. */
function chainFile(root: string, dir: string, stored: string, whole: string, base?: ChainFile): ChainFile {
  const file = path.join(dir, stored);
  return { name: path.relative(root, path.join(dir, whole)), stored: file, shown: path.join(path.basename(root), path.relative(root, file)), base };
}

function loadLevel(root: string, dir: string, entry: ManifestEntry, previous?: Level): Level {
  const hintsFile = path.join(dir, 'hints.md');
  const wrongDir = path.join(dir, 'wrong');
  const solutionFile = previous ? chainFile(root, dir, 'solution.patch', 'solution.ts', previous.solutionFile) : chainFile(root, dir, 'solution.ts', 'solution.ts');
  const stubFile = chainFile(root, dir, 'stub.patch', 'stub.ts', previous?.solutionFile ?? solutionFile);
  return {
    id: entry.id,
    title: entry.title,
    dir,
    lessonFile: path.join(dir, 'lesson.md'),
    hints: fs.existsSync(hintsFile) ? splitHints(fs.readFileSync(hintsFile, 'utf8')) : [],
    wrong: fs.existsSync(wrongDir)
      ? fs.readdirSync(wrongDir).filter((f) => f.endsWith('.patch')).sort().map((f) => readWrongVariant(root, path.join(wrongDir, f), solutionFile))
      : [],
    solutionFile,
    stubFile,
    stub: () => wholeText(stubFile),
    solution: () => wholeText(solutionFile),
  };
}

/** hints.md holds one hint per section, sections separated by a line of three dashes. */
export function splitHints(text: string): string[] {
  return text.split(/^---\s*$/m).map((h) => h.trim()).filter(Boolean);
}

/** A wrong variant's file in the chain: wrong/NAME.patch onto its level's solution, exported as wrong/NAME.ts. */
function wrongFile(root: string, solution: ChainFile, name: string): ChainFile {
  const dir = path.dirname(solution.stored);
  return { ...chainFile(root, dir, `wrong/${name}.patch`, `wrong/${name}.ts`, solution), described: true };
}

function readWrongVariant(root: string, file: string, solution: ChainFile): WrongVariant {
  const name = path.basename(file, '.patch');
  const head = fs.readFileSync(file, 'utf8').split('\n', 10);
  const field = (key: string) => head.find((l) => l.startsWith(`// ${key}:`))?.slice(key.length + 4).trim();
  const mistake = field('wrong');
  const fails = field('fails');
  const chain = wrongFile(root, solution, name);
  if (!mistake || !fails) throw new LessonError(`${chain.shown}: needs "// wrong: <mistake>" and "// fails: LL/check-name" header lines`);
  return { name, file, mistake, fails, chain };
}

/** The wrong variant's whole rd.ts: its patch applied to the level's solution. */
export function wrongSource(variant: WrongVariant): string {
  return wholeText(variant.chain);
}

/**
 * Every file of the chain in order, each after its base: per level its solution, its stub, its wrong variants,
 * and with `exported`, the wrong variants an author added there as whole files.
 */
export function chainFiles(levels: Level[], exported?: string, root = lessonsDir): ChainFile[] {
  const added = (level: Level) => {
    const dir = path.join(exported ?? '', path.relative(root, level.dir), 'wrong');
    if (!exported || !fs.existsSync(dir)) return [];
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.basename(f, '.ts'));
    return names.filter((n) => !level.wrong.some((w) => w.name === n)).sort().map((n) => wrongFile(root, level.solutionFile, n));
  };
  return levels.flatMap((l) => [l.solutionFile, l.stubFile, ...l.wrong.map((w) => w.chain), ...added(l)]);
}
