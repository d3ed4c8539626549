// The level chain, each line written once: the first level's solution.ts is stored whole; every later solution
// is a patch against the solution before it, every stub a patch against the solution before it (the first
// level's, against its own solution), every wrong variant a patch against its level's solution. A fix made at
// level N therefore flows into every later file, and a patch that no longer fits fails naming its file.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { applyPatch, makePatch } from './patch.js';
import { UserError } from './errors.js';

/** A lesson file that cannot be read or made: its message names the file and says what to do. */
export class LessonError extends UserError {}

/** One whole file of the chain, as a learner or `dev check` gets it. */
export interface ChainFile {
  /** Its path in an export, and its name in patch headers: "03-pivot-root/stub.ts". */
  name: string;
  /** The stored file: the whole text when there is no base, else a patch onto the base's text. */
  stored: string;
  /** How the stored file is named in messages: "lessons/03-pivot-root/stub.patch". */
  shown: string;
  base?: ChainFile;
  /** A wrong variant: its stored patch and its export begin with `// wrong:` and `// fails:` lines. */
  described?: boolean;
}

const FIX = 'rubber-workshop dev lessons export DIR, then import DIR, carries it over (lessons/README.md, "Editing the chain")';

const materialised = new WeakMap<ChainFile, string>();

/** The file's whole text, made from its stored file and its base's text (each made once per file object). */
export function wholeText(file: ChainFile): string {
  let text = materialised.get(file);
  if (text === undefined) {
    const stored = readStored(file);
    text = file.base ? onto(file, wholeText(file.base), stored) : stored;
    materialised.set(file, text);
  }
  return text;
}

function readStored(file: ChainFile): string {
  try {
    return fs.readFileSync(file.stored, 'utf8');
  } catch {
    throw new LessonError(`${file.shown} is missing`);
  }
}

function onto(file: ChainFile, base: string, patch: string): string {
  try {
    return applyPatch(base, patch);
  } catch (e) {
    throw new LessonError(`${file.shown} no longer applies to ${file.base!.name} (${(e as Error).message}): ${FIX}`);
  }
}

/** A file left alone in the export: its patch, carried onto its base's new text, where the hunks now stand. */
function carried(file: ChainFile, base: string, patch: string, dir: string): string {
  try {
    return applyPatch(base, patch, { shift: true });
  } catch (e) {
    const where = path.join(dir, file.name);
    throw new LessonError(`${file.shown} does not fit the edited ${file.base!.name} (${(e as Error).message}): make the edit in ${where} too, then import again`);
  }
}

/** A wrong variant's description lines, at the top of its patch and of its exported file. */
const DESCRIPTION = /^(\/\/ (wrong|fails):.*\n)*/;
const description = (file: ChainFile, text: string) => (file.described ? DESCRIPTION.exec(text)![0] : '');

/**
 * Writes each file's whole text (a wrong variant's with its description lines) under `dir`, as `name`. Returns
 * why files could not be made (a patch that no longer fits, and so the files after it): an import mends them.
 */
export function exportChain(files: ChainFile[], dir: string): string[] {
  const problems = new Set<string>();
  for (const file of files) {
    try {
      writeFileAtomic(path.join(dir, file.name), description(file, readStored(file)) + wholeText(file));
    } catch (e) {
      if (!(e instanceof LessonError)) throw e;
      problems.add(e.message);
    }
  }
  return [...problems];
}

/** What `make` returns, or undefined where it throws: a file that is not there, a patch that does not fit. */
function attempt<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

const readIfThere = (file: string) => attempt(() => fs.readFileSync(file, 'utf8'));

/**
 * Takes an export's edits back: a file that differs from its text today is taken as it is; one left alone
 * keeps its patch, carried onto its base's new text (so a fix at one level flows into the later ones). Every
 * patch is made again against its base's new text, and only files whose stored form changes are written, after
 * all of them were made. Returns the stored files written, as `shown`.
 */
export function importChain(files: ChainFile[], dir: string): string[] {
  const fresh = new Map<ChainFile, string>();
  const writes: [ChainFile, string][] = [];
  for (const file of files) {
    const stored = readIfThere(file.stored);
    const exported = readIfThere(path.join(dir, file.name));
    const header = exported !== undefined ? description(file, exported) : stored !== undefined ? description(file, stored) : '';
    const edited = exported?.slice(header.length);
    const base = file.base && fresh.get(file.base)!;
    let text: string;
    if (edited !== undefined && (stored === undefined || edited !== attempt(() => wholeText(file)))) text = edited;
    else if (stored === undefined) throw new LessonError(`${file.shown} is missing and ${path.join(dir, file.name)} too: write the whole file there, then import`);
    else text = base === undefined ? stored : carried(file, base, stored, dir);
    fresh.set(file, text);

    let next = text;
    if (base !== undefined) {
      if (text === base) throw new LessonError(`${path.join(dir, file.name)} is the same as ${file.base!.name}: a level's file must change something`);
      const fits = stored !== undefined && description(file, stored) === header && attempt(() => applyPatch(base, stored)) === text;
      next = fits ? stored : header + makePatch(base, text, [file.base!.name, file.name]);
    }
    if (next !== stored) writes.push([file, next]);
  }
  for (const [file, text] of writes) writeFileAtomic(file.stored, text);
  return writes.map(([file]) => file.shown);
}
