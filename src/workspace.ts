import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { packageRoot } from './paths.js';
import { loadLevels, type Level } from './lessons.js';
import { STATE_DIR, freshProgress, progressFile, saveProgress, timestamp } from './progress.js';
import { UserError } from './errors.js';

/** The toolkit the learner's rd.ts imports as `./linux.js`; copied into every workspace. */
export const toolkitSource = path.join(packageRoot, 'src', 'linux', 'index.ts');

/** A problem the learner can act on; the message is meant to be shown as is. */
export class WorkspaceError extends UserError {}

export interface WorkspaceFiles {
  dir: string;
  /** The learner's runtime. */
  rd: string;
  /** The toolkit copy. */
  linux: string;
  state: string;
  progress: string;
  backups: string;
}

export function workspaceFiles(dir: string): WorkspaceFiles {
  const state = path.join(dir, STATE_DIR);
  return {
    dir,
    rd: path.join(dir, 'rd.ts'),
    linux: path.join(dir, 'linux.ts'),
    state,
    progress: progressFile(dir),
    backups: path.join(state, 'backups'),
  };
}

/** The nearest folder at or above `from` that holds a `.rubber-workshop/` folder, or undefined. */
export function findWorkspace(from: string = process.cwd()): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    if (isDirectory(path.join(dir, STATE_DIR))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The workspace around here, or else this folder if it holds an rd.ts (a clone of a learner's work);
 * a WorkspaceError saying how to make one when there is neither.
 */
export function workspaceHere(): string {
  const dir = findWorkspace() ?? (fs.existsSync('rd.ts') ? process.cwd() : undefined);
  if (!dir) throw new WorkspaceError('no workspace here: run this inside your workspace, the folder that holds rd.ts (rubber-workshop init DIR makes one)');
  return dir;
}

/** Where a workspace's files come from; tests pass their own. */
export interface Sources {
  levels: Level[];
  toolkitFile: string;
}

export function packageSources(): Sources {
  return { levels: loadLevels(), toolkitFile: toolkitSource };
}

export interface InitReport {
  dir: string;
  /** Workspace-relative names of files written. */
  created: string[];
  /** Files that already existed and were left alone. */
  kept: string[];
  /** linux.ts was there and is brought up to date: where the learner's edited copy went, if they had edited it. */
  toolkitUpdated?: { backup?: string };
}

/**
 * Makes `dir` a workspace: rd.ts (level 00's stub), linux.ts (the toolkit), tsconfig.json and package.json
 * for editors, .gitignore and the progress file. Existing files are kept (linux.ts is brought up to date);
 * an existing rd.ts is never touched.
 */
export function initWorkspace(dir: string, sources: Sources = packageSources()): InitReport {
  const files = workspaceFiles(path.resolve(dir));
  const report: InitReport = { dir: files.dir, created: [], kept: [] };
  const first = sources.levels[0];
  if (!first) throw new WorkspaceError('No levels found in the lessons folder; reinstall rubber-workshop.');
  // Read everything needed before writing anything, so a broken install leaves no half-made workspace.
  const stub = packageStub(first);
  readPackageFile(sources.toolkitFile, 'the toolkit');
  fs.mkdirSync(files.state, { recursive: true });

  const writeIfAbsent = (name: string, content: string) => {
    const file = path.join(files.dir, name);
    if (fs.existsSync(file)) {
      report.kept.push(name);
      return;
    }
    fs.writeFileSync(file, content);
    report.created.push(name);
  };
  writeIfAbsent('rd.ts', stub);
  const hadToolkit = fs.existsSync(files.linux);
  const refreshed = refreshToolkit(files.dir, sources.toolkitFile);
  if (!refreshed.written) report.kept.push('linux.ts');
  else if (hadToolkit) report.toolkitUpdated = refreshed.backup ? { backup: refreshed.backup } : {};
  else report.created.push('linux.ts');
  writeIfAbsent('tsconfig.json', editorTsconfig());
  writeIfAbsent('package.json', editorPackageJson());
  // `node_modules` without a slash matches a link there too, which `git add .` would commit (and check refuses).
  writeIfAbsent('.gitignore', 'node_modules\n.rubber-workshop/\n');
  if (fs.existsSync(files.progress)) report.kept.push(path.relative(files.dir, files.progress));
  else {
    saveProgress(files.dir, freshProgress(first.id));
    report.created.push(path.relative(files.dir, files.progress));
  }
  return report;
}

export interface ToolkitRefresh {
  /** linux.ts was (re)written. */
  written: boolean;
  /** Where the learner's edited copy was kept, if they had changed linux.ts. */
  backup?: string;
}

/**
 * Brings the workspace's linux.ts up to date with the tool's toolkit. The copy's header carries a hash of
 * its body, so a copy the learner edited is recognised and backed up before being replaced.
 */
export function refreshToolkit(dir: string, toolkitFile: string = toolkitSource): ToolkitRefresh {
  const files = workspaceFiles(dir);
  const wanted = toolkitCopy(readPackageFile(toolkitFile, 'the toolkit'));
  let current: string | undefined;
  try {
    current = fs.readFileSync(files.linux, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === wanted) return { written: false };
  const backup = current !== undefined && !isPristineCopy(current) ? backupFile(files, files.linux, 'linux') : undefined;
  fs.writeFileSync(files.linux, wanted);
  return { written: true, ...(backup && { backup }) };
}

const HEADER_HASH = /^\/\/ rubber-workshop toolkit ([0-9a-f]{16})\n/;

function toolkitCopy(body: string): string {
  return [
    `// rubber-workshop toolkit ${hash(body)}`,
    '// Do not edit: rubber-workshop replaces this file when the tool is updated (an edited copy is',
    '// backed up to .rubber-workshop/backups/ first). Put your own code in rd.ts.',
    '',
    body,
  ].join('\n');
}

function isPristineCopy(text: string): boolean {
  const m = HEADER_HASH.exec(text);
  if (!m) return false;
  const body = text.split('\n').slice(4).join('\n');
  return hash(body) === m[1];
}

function hash(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Replaces rd.ts with `level`'s stub. The learner's file is first copied to .rubber-workshop/backups/;
 * returns that copy's path (undefined if there was no rd.ts).
 */
export function resetLevel(dir: string, level: string, levels: Level[] = loadLevels()): string | undefined {
  const files = workspaceFiles(dir);
  const entry = levels.find((l) => l.id === level);
  if (!entry) throw new WorkspaceError(`There is no level ${level}; levels are ${levels.map((l) => l.id).join(', ')}.`);
  const stub = packageStub(entry);
  const backup = fs.existsSync(files.rd) ? backupFile(files, files.rd, `rd-before-reset-${level}`) : undefined;
  fs.writeFileSync(files.rd, stub);
  return backup;
}

/** Copies `file` to backups/<label>-<time>.ts, never overwriting an earlier backup. */
function backupFile(files: WorkspaceFiles, file: string, label: string): string {
  fs.mkdirSync(files.backups, { recursive: true });
  const stem = path.join(files.backups, `${label}-${timestamp()}`);
  for (let n = 0; ; n++) {
    const target = `${stem}${n ? `-${n}` : ''}.ts`;
    try {
      fs.copyFileSync(file, target, fs.constants.COPYFILE_EXCL);
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The level's stub, made from the package's lesson chain; failing, the install is broken. */
function packageStub(level: Level): string {
  try {
    return level.stub();
  } catch (e) {
    throw new WorkspaceError(`rubber-workshop is missing level ${level.id}'s stub (${(e as Error).message}); reinstall rubber-workshop.`);
  }
}

function readPackageFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new WorkspaceError(`rubber-workshop is missing ${what} (${path.relative(packageRoot, file)}); reinstall rubber-workshop.`);
  }
}

function editorTsconfig(): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
    files: ['rd.ts', 'linux.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Only for editors' type information: the learner's code is bundled by rubber-workshop, not by npm. */
function editorPackageJson(): string {
  const own = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const pkg = {
    name: 'rubber-workshop-workspace',
    private: true,
    type: 'module',
    description: 'Your container runtime. Run `npm install` once so your editor knows the types; `rubber-workshop check` checks it.',
    devDependencies: {
      '@types/node': `^${own.devDependencies['@types/node']}`,
      koffi: `^${own.dependencies.koffi}`,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
