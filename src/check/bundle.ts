import { build, stop, type BuildOptions, type BuildResult, type Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
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
 * The real folder of `workspace`'s node_modules, or undefined without one. It must lie in the workspace: one
 * that links elsewhere (a committed `node_modules -> ../alice`) would bundle another folder's code as this
 * learner's, none of it in the sources' digest. A link further on, from a module file out of this folder, is
 * refused by {@link confined}.
 */
export function workspaceModules(workspace: string): string | undefined {
  let modules: string;
  try {
    modules = fs.realpathSync(path.join(workspace, 'node_modules'));
  } catch {
    return undefined;
  }
  const home = fs.realpathSync(workspace);
  if (modules.startsWith(home + path.sep)) return modules;
  throw new UserError(`node_modules is a link to ${path.relative(home, modules) || '.'}, outside the workspace: packages must be installed in the workspace (npm install)`);
}

/**
 * Lets esbuild read only files under `roots` (the workspace, its node_modules, the toolkit): an import of
 * `../alice/rd.ts` or of a file elsewhere on the machine would put it in the bundle, and from there in a
 * grade's results, and none of it in the graded sources' digest.
 */
function confined(roots: string[]): Plugin {
  const real = roots.map((r) => fs.realpathSync(r));
  const inside = (file: string) => real.some((r) => file === r || file.startsWith(r + path.sep));
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
        return inside(file) ? undefined : { errors: [{ text: `${args.path} is outside the workspace: rd.ts may import only files in its own folder` }] };
      });
    },
  };
}

/** The runtime of the workspace around here, bundled; a UserError showing where it does not build. */
export async function bundleWorkspaceRd(): Promise<Bundle> {
  const bundle = await bundleRuntime(path.join(workspaceHere(), 'rd.ts'));
  if (!bundle.ok) throw new UserError(`rd.ts does not build:\n${bundle.error}`);
  return bundle;
}

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText: string } | null;
}

/** "rd.ts:12:5: error: Expected ";" but found "x"" and the line itself, as a learner's editor would point at it. */
function describeBuildError(e: unknown, dir: string): string {
  const errors = (e as { errors?: EsbuildMessage[] }).errors;
  if (!errors?.length) return (e as Error).message;
  return errors.slice(0, 5).map((m) => {
    if (!m.location) return `error: ${m.text}`;
    const { file, line, column, lineText } = m.location;
    const where = `${path.relative(dir, path.resolve(file)) || file}:${line}:${column + 1}`;
    return `${where}: error: ${m.text}\n    ${lineText.trim()}`;
  }).join('\n');
}
