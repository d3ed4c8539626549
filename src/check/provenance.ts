import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { checkersDir } from '../paths.js';
import { version } from '../version.js';
import { UserError } from '../errors.js';
import { MAX_READ_BYTES, readLearnerFile } from '../learner-file.js';
import { learnerBuild, workspaceBuild, workspaceModules } from './bundle.js';

/** What exactly was graded: enough to tell two results apart or to reproduce one. */
export interface Provenance {
  /** sha256 over the learner's source files (see {@link sourcesDigest}). */
  sourcesSha256: string;
  /** sha256 of each learner source file, by workspace-relative name, so `sha256sum rd.ts` can confirm it. */
  sources: Record<string, string>;
  /** rubber-workshop's version, from its package.json. */
  toolVersion: string;
  /** sha256 over the checker scripts (sorted names and contents). */
  checkersSha256: string;
  /** The VM assets' digest, from the VM layer ("none" before `rubber-workshop setup`). */
  vmAssetsDigest: string;
}

export interface NamedContent {
  name: string;
  content: Buffer;
}

/**
 * sha256 over named contents, sorted by name. Each entry is framed by its name and byte length, so moving
 * bytes from one file to the next, or renaming a file, changes the digest.
 */
export function digestEntries(entries: NamedContent[]): string {
  const hash = crypto.createHash('sha256');
  for (const { name, content } of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

export function sha256(content: Buffer | string): string {
  return crypto.createHash('sha256').update(content).digest('hex');
}

/** Files that can be part of a learner's runtime: rd.ts, linux.ts and any module or JSON file rd.ts imports. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx|json)$/;
const MAX_DEPTH = 4;
const MAX_FILES = 200;

/** A workspace whose sources cannot be taken as they are; the message says why, for a result file. */
export class SourcesError extends UserError {}

/**
 * Reads the learner's source files, by workspace-relative name with `/` separators: every file that
 * esbuild could bundle (TypeScript, JavaScript, JSON), outside dot-folders (.git, .rubber-workshop) and
 * node_modules. In a workspace made by `init` these are rd.ts, linux.ts, tsconfig.json, package.json.
 */
export function readSources(workspaceDir: string): NamedContent[] {
  const entries: NamedContent[] = [];
  let bytes = 0;
  const walk = (dir: string, prefix: string, depth: number) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.') || d.name === 'node_modules') continue;
      const name = prefix + d.name;
      if (d.isDirectory() && depth < MAX_DEPTH) walk(path.join(dir, d.name), `${name}/`, depth + 1);
      else if (d.isFile() && SOURCE_FILE.test(d.name)) {
        // Limits checked before reading: undefined is a file larger than what is left of the bytes.
        const content = entries.length < MAX_FILES ? readLearnerFile(path.join(dir, d.name), MAX_READ_BYTES - bytes) : undefined;
        if (!content) throw new SourcesError(`the folder holds more than ${MAX_FILES} source files or ${MAX_READ_BYTES >> 20} MiB of them; is it a workspace?`);
        bytes += content.length;
        entries.push({ name, content });
      }
    }
  };
  walk(workspaceDir, '', 0);
  return entries;
}

export interface SourcesDigest {
  sha256: string;
  files: Record<string, string>;
}

/** Digest of the learner's source files (see {@link readSources} and {@link moduleSources}), plus each file's own sha256. */
export async function sourcesDigest(workspaceDir: string): Promise<SourcesDigest> {
  return digestSources([...readSources(workspaceDir), ...await moduleSources(workspaceDir)]);
}

/**
 * The files in node_modules folders of the workspace that rd.ts's bundle reads (packages the learner
 * installed, or code put there), by workspace-relative name: part of what runs, so part of what a digest
 * covers ({@link readSources} skips those folders). esbuild names a file by its real path, so this is every
 * input with a node_modules folder in its name, but none outside the workspace. None without node_modules,
 * or when the code does not build or node_modules leads out of the workspace (the run says why).
 */
export async function moduleSources(workspaceDir: string): Promise<NamedContent[]> {
  try {
    if (!workspaceModules(workspaceDir)) return [];
    const { metafile } = await learnerBuild({
      ...workspaceBuild(workspaceDir), entryPoints: [path.join(workspaceDir, 'rd.ts')], absWorkingDir: workspaceDir, format: 'esm', metafile: true,
    });
    return Object.keys(metafile.inputs)
      .filter((name) => !name.startsWith('../') && name.split('/').includes('node_modules'))
      .map((name) => ({ name, content: readLearnerFile(path.join(workspaceDir, name), MAX_READ_BYTES) ?? tooLarge(name) }));
  } catch {
    return [];
  }
}

/** Thrown for a module that grew past the limit after the bundle read it (see confined in bundle.ts). */
function tooLarge(name: string): never {
  throw new SourcesError(`${name} is larger than ${MAX_READ_BYTES >> 20} MiB`);
}

export function digestSources(entries: NamedContent[]): SourcesDigest {
  return {
    sha256: digestEntries(entries),
    files: Object.fromEntries(entries.map((e) => [e.name, sha256(e.content)])),
  };
}

/** Digest of the checker scripts: every regular file directly in `dir`, by sorted name and content. */
export function checkersDigest(dir: string = checkersDir): string {
  const names = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
  return digestEntries(names.map((name) => ({ name, content: fs.readFileSync(path.join(dir, name)) })));
}

/** The parts of {@link Provenance} that do not depend on the learner: the same for a whole grading run. */
export type ToolProvenance = Pick<Provenance, 'toolVersion' | 'checkersSha256' | 'vmAssetsDigest'>;

/**
 * Computes the tool side of provenance once. `assetsDigest` is the VM layer's (src/vm/assets.ts), passed
 * in so this module does not depend on the VM; it throws when the assets are missing, which callers
 * report as "could not run".
 */
export async function toolProvenance(assetsDigest: () => Promise<string>, checkers: string = checkersDir): Promise<ToolProvenance> {
  return {
    toolVersion: version,
    checkersSha256: checkersDigest(checkers),
    vmAssetsDigest: await assetsDigest(),
  };
}

/** Full provenance of checking `workspaceDir`, e.g. for `check --json`. */
export async function provenanceFor(workspaceDir: string, assetsDigest: () => Promise<string>): Promise<Provenance> {
  const tool = await toolProvenance(assetsDigest);
  const sources = await sourcesDigest(workspaceDir);
  return { sourcesSha256: sources.sha256, sources: sources.files, ...tool };
}
