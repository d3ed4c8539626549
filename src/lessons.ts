import fs from 'node:fs';
import path from 'node:path';
import { lessonsDir } from './paths.js';
import { applyPatch } from './patch.js';
import { readJsonFile } from './json-file.js';
import { LessonManifest } from './schemas.js';

/** A known-wrong runtime: the level's solution with one mistake, stored as a patch against it. */
export interface WrongVariant {
  /** File name without extension, e.g. "forgot-ms-private". */
  name: string;
  /** wrong/<name>.patch: the header lines, then a unified diff against solution.ts. */
  file: string;
  /** The mistake, from the variant's `// wrong:` header line. */
  mistake: string;
  /** The check that must fail, "LL/name", from its `// fails:` header line. */
  fails: string;
}

export interface Level {
  id: string;
  title: string;
  dir: string;
  lessonFile: string;
  stubFile: string;
  solutionFile: string;
  /** Tiered hints, mildest first. */
  hints: string[];
  wrong: WrongVariant[];
}

interface ManifestEntry { id: string; dir: string; title: string }

/** Reads lessons/manifest.json and each level folder; the manifest order is the level order. */
export function loadLevels(root = lessonsDir): Level[] {
  const manifest = readJsonFile(path.join(root, 'manifest.json'), LessonManifest, path.join(path.basename(root), 'manifest.json'));
  return manifest.levels.map((entry) => loadLevel(root, entry));
}

function loadLevel(root: string, entry: ManifestEntry): Level {
  const dir = path.join(root, entry.dir);
  const hintsFile = path.join(dir, 'hints.md');
  const wrongDir = path.join(dir, 'wrong');
  return {
    id: entry.id,
    title: entry.title,
    dir,
    lessonFile: path.join(dir, 'lesson.md'),
    stubFile: path.join(dir, 'stub.ts'),
    solutionFile: path.join(dir, 'solution.ts'),
    hints: fs.existsSync(hintsFile) ? splitHints(fs.readFileSync(hintsFile, 'utf8')) : [],
    wrong: fs.existsSync(wrongDir)
      ? fs.readdirSync(wrongDir).filter((f) => f.endsWith('.patch')).sort().map((f) => readWrongVariant(path.join(wrongDir, f)))
      : [],
  };
}

/** hints.md holds one hint per section, sections separated by a line of three dashes. */
export function splitHints(text: string): string[] {
  return text.split(/^---\s*$/m).map((h) => h.trim()).filter(Boolean);
}

export function readWrongVariant(file: string): WrongVariant {
  const head = fs.readFileSync(file, 'utf8').split('\n', 10);
  const field = (key: string) => head.find((l) => l.startsWith(`// ${key}:`))?.slice(key.length + 4).trim();
  const mistake = field('wrong');
  const fails = field('fails');
  if (!mistake || !fails) throw new Error(`${file}: needs "// wrong: <mistake>" and "// fails: LL/check-name" header lines`);
  return { name: path.basename(file, '.patch'), file, mistake, fails };
}

/** The wrong variant's whole rd.ts: its patch applied to the level's solution. */
export function wrongSource(level: Level, variant: WrongVariant): string {
  try {
    return applyPatch(fs.readFileSync(level.solutionFile, 'utf8'), fs.readFileSync(variant.file, 'utf8'));
  } catch (e) {
    throw new Error(`${path.relative(lessonsDir, variant.file)} no longer applies to solution.ts (${(e as Error).message}): remake it with diff -u`);
  }
}
