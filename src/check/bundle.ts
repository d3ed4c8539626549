import { build, stop, type BuildOptions, type BuildResult, type Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { MAX_READ_BYTES } from '../learner-file.js';
import { cleanText } from '../report/text.js';
import { workspaceHere } from '../workspace.js';
import type { Bundle } from '../vm/exec.js';

export type BundleResult = ({ ok: true } & Bundle) | { ok: false; error: string };

/**
 * Bundles the learner's runtime into one file for the guest's node. koffi stays external: the guest has its
 * native build. `toolkit` replaces `./linux.js` (lesson files are bundled against the package's toolkit).
 *
 * CommonJS where the code allows it: Node's ES module loader costs ≈ 0.1 s of every start under TCG, and rd
 * starts twice per container (itself and its init stage). Code with a top-level await or import.meta, which
 * CommonJS has not, is bundled as an ES module, as written.
 *
 * `origin` is the workspace that `entry`'s folder is a copy of (a grade's copy, which links its node_modules):
 * node_modules must lie in that workspace rather than in the copy.
 */
export async function bundleRuntime(entry: string, toolkit?: string, contents?: string, origin?: string): Promise<BundleResult> {
  try {
    const cjs = await bundleAs('cjs', entry, toolkit, contents, origin).catch((e: unknown) => {
      if (esmOnly((e as { errors?: EsbuildMessage[] }).errors)) return null;
      throw e;
    });
    if (cjs && !esmOnly(cjs.warnings)) return { ok: true, file: 'rd.cjs', code: cjs.outputFiles[0].text };
    const esm = await bundleAs('esm', entry, toolkit, contents, origin);
    return { ok: true, file: 'rd.mjs', code: esm.outputFiles[0].text };
  } catch (e) {
    return { ok: false, error: describeBuildError(e, path.dirname(entry)) };
  }
}

/** True if esbuild says the code needs an ES module: a top-level await, or import.meta (empty in CommonJS). */
function esmOnly(messages: EsbuildMessage[] | undefined): boolean {
  return (messages ?? []).some((m) => /top-level await|"import\.meta"/i.test(m.text));
}

/**
 * What every esbuild run over a learner's workspace shares (the bundle, and the list of what it reads): only files
 * under the workspace, its node_modules (that of `origin`, which the workspace may be a copy of) and the toolkit
 * are read ({@link confined}), and no tsconfig.json, which is the editor's: esbuild would follow its `extends` to
 * any file of the machine's and quote it in its error (/proc/self/environ: a grader's whole environment in the
 * learner's result), or read /dev/zero until memory runs out.
 */
export function workspaceBuild(workspace: string, origin = workspace, toolkit?: string) {
  const modules = workspaceModules(origin);
  return {
    bundle: true,
    write: false,
    platform: 'node',
    external: ['koffi'],
    logLevel: 'silent',
    tsconfigRaw: '{}',
    plugins: [confined([workspace, ...(modules ? [modules] : []), ...(toolkit ? [toolkit] : [])])],
  } satisfies BuildOptions;
}

/**
 * esbuild's build, for a learner's workspace. All builds share one esbuild process, which stays dead once killed
 * (out of memory, say). One build at a time (≈ 0.1 s each, beside checks of many seconds), so a process that dies
 * fails only the build that was running, and the next build starts another: one workspace cannot fail other
 * learners of a grade with "the service was stopped" or "is no longer running".
 */
export function learnerBuild<T extends BuildOptions>(options: T): Promise<BuildResult<T>> {
  const run = async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await build(options as BuildOptions)) as BuildResult<T>;
      } catch (e) {
        const message = (e as Error).message;
        if (!/service (is no longer running|was stopped)/.test(message)) throw e;
        await stop();
        // Dead before this build reached it: another process takes it. Died during it: this build's doing.
        if (attempt > 0 || !/no longer running/.test(message)) throw e;
      }
    }
  };
  const result = building.then(run, run);
  building = result.catch(() => {});
  return result;
}
let building: Promise<unknown> = Promise.resolve();

function bundleAs(format: 'cjs' | 'esm', entry: string, toolkit?: string, contents?: string, origin?: string) {
  const shared = workspaceBuild(path.dirname(entry), origin, toolkit);
  const plugins: Plugin[] = [...shared.plugins];
  if (toolkit) {
    plugins.push({
      name: 'toolkit',
      setup(b) {
        b.onResolve({ filter: /^\.\/linux(\.js|\.ts)?$/ }, () => ({ path: toolkit }));
      },
    });
  }
  return learnerBuild({
    // `contents` stands in for the file (a lesson file made from the level chain), resolved from where it would be.
    ...(contents === undefined
      ? { entryPoints: [entry] }
      : { stdin: { contents, loader: 'ts' as const, resolveDir: path.dirname(entry), sourcefile: path.basename(entry) } }),
    ...shared,
    plugins,
    format,
    target: 'node20',
    banner: {
      js: format === 'cjs'
        // Strict as the ES module it was written as.
        ? "'use strict';"
        // Lets bundled CommonJS dependencies call require() from an ES module.
        : "import { createRequire as __rwRequire } from 'node:module'; const require = __rwRequire(import.meta.url);",
    },
  });
}

/**
 * The real folder of `workspace`'s node_modules, or undefined without one, once the workspace is found fit to
 * build (else a UserError saying why). node_modules must lie in the workspace: one that links elsewhere (a
 * committed `node_modules -> ../alice`) would bundle another folder's code as this learner's, none of it in the
 * sources' digest. A module file out of the workspace is refused by {@link confined}; see {@link vetTree} for the rest.
 */
export function workspaceModules(workspace: string): string | undefined {
  const home = fs.realpathSync(workspace);
  let modules: string | undefined;
  try {
    modules = fs.realpathSync(path.join(workspace, 'node_modules'));
  } catch {
    // none
  }
  if (modules && !within(modules, home)) {
    throw new UserError(`node_modules is a link to ${path.relative(home, modules) || '.'}, outside the workspace: packages must be installed in the workspace (npm install)`);
  }
  vetTree(home, home);
  return modules;
}

/** What esbuild's resolver reads by itself, out of any plugin's sight: each folder's package.json, and Yarn's PnP files. */
const RESOLVER_READS = new Set(['package.json', '.pnp.data.json', '.pnp.cjs', '.pnp.js']);

/**
 * Refuses a tree in which esbuild could read what the workspace does not hold, or for ever. Its resolver reads
 * package.json files itself and follows links: `node_modules/x/package.json -> /proc/self/environ` would quote the
 * grader's environment in the learner's result, a link to /dev/zero reads until memory runs out, and a FIFO
 * blocks the build for good. So every entry must be a folder, a regular file or a link that stays in the
 * workspace (`home`), and the files the resolver reads must be at most {@link MAX_READ_BYTES}.
 */
function vetTree(dir: string, home: string): void {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, d.name);
    const shown = path.relative(home, file);
    // esbuild reads nothing in .git, which may hold thousands of files (gitCommit reads it with care).
    if (d.name === '.git' && dir === home) continue;
    if (d.isDirectory()) vetTree(file, home);
    else if (d.isSymbolicLink()) {
      let target: string | undefined;
      try {
        target = fs.realpathSync(file);
      } catch {
        // leads nowhere: esbuild finds nothing there
      }
      if (target && !within(target, home)) throw new UserError(`${shown} is a link out of the workspace: remove it`);
    } else if (!d.isFile()) throw new UserError(`${shown} is a FIFO, a socket or a device, not a file: remove it`);
    else if (RESOLVER_READS.has(d.name) && fs.lstatSync(file).size > MAX_READ_BYTES) throw new UserError(`${shown} is larger than ${MAX_READ_BYTES >> 20} MiB`);
  }
}

/** True if `file` is `root` or lies in it. */
const within = (file: string, root: string) => file === root || file.startsWith(root + path.sep);

/**
 * Lets esbuild read only files under `roots` (the workspace, its node_modules, the toolkit): an import of
 * `../alice/rd.ts` or of a file elsewhere on the machine would put it in the bundle, and from there in a
 * grade's results, and none of it in the graded sources' digest.
 */
function confined(roots: string[]): Plugin {
  const real = roots.map((r) => fs.realpathSync(r));
  return {
    name: 'confined',
    setup(b) {
      b.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        let file = args.path;
        try {
          file = fs.realpathSync(file);
        } catch {
          // esbuild reports a file it cannot read itself
        }
        if (!real.some((r) => within(file, r))) return { errors: [{ text: `${args.path} is outside the workspace: rd.ts may import only files in its own folder` }] };
        // esbuild reads a module whole, and a sparse one of gigabytes costs its learner nothing.
        const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
        return size > MAX_READ_BYTES ? { errors: [{ text: `${args.path} is larger than ${MAX_READ_BYTES >> 20} MiB` }] } : undefined;
      });
    },
  };
}

/** The runtime of the workspace around here, bundled; a UserError showing where it does not build. */
export async function bundleWorkspaceRd(): Promise<Bundle> {
  const entry = path.join(workspaceHere(), 'rd.ts');
  const missing = noEntry(entry);
  if (missing) throw new UserError(missing);
  const bundle = await bundleRuntime(entry);
  if (!bundle.ok) throw new UserError(`rd.ts does not build:\n${bundle.error}`);
  return bundle;
}

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText: string } | null;
}

/**
 * "rd.ts:12:5: error: Expected ";" but found "x"" and the line itself, as a learner's editor would point at it.
 * A line is quoted only from a file in the workspace (`dir`), never from one of the machine's. The learner's text
 * is shown on terminals: no escape sequence or control character of it is kept (cleanText).
 */
function describeBuildError(e: unknown, dir: string): string {
  const errors = (e as { errors?: EsbuildMessage[] }).errors;
  if (!errors?.length) return cleanText((e as Error).message);
  return cleanText(errors.slice(0, 5).map((m) => {
    if (!m.location) return `error: ${m.text}`;
    const { file, line, column, lineText } = m.location;
    const where = `${path.relative(dir, path.resolve(file)) || file}:${line}:${column + 1}: error: ${m.text}`;
    const toolkitGone = /^Could not resolve "\.\/linux(\.[jt]s)?"$/.test(m.text) && !fs.existsSync(path.join(dir, 'linux.ts'));
    const hint = toolkitGone ? '\n    (linux.ts is not in the workspace: rubber-workshop init puts it back, and keeps your rd.ts)' : '';
    return (within(path.resolve(file), path.resolve(dir)) ? `${where}\n    ${lineText.trim()}` : where) + hint;
  }).join('\n'));
}

/** Why there is nothing to bundle at `entry` (a learner's rd.ts), or undefined when it is there. */
export function noEntry(entry: string): string | undefined {
  if (fs.existsSync(entry)) return undefined;
  return `there is no ${path.basename(entry)} in ${path.dirname(entry)}: rubber-workshop init puts level 00's stub back (it keeps your other files), or r in the workshop resets a level`;
}
