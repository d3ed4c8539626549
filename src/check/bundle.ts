import { build, type Plugin } from 'esbuild';
import path from 'node:path';
import { UserError } from '../errors.js';
import { workspaceHere } from '../workspace.js';

export type BundleResult = { ok: true; code: string } | { ok: false; error: string };

/**
 * Bundles the learner's runtime into one ES module for the guest's node. koffi stays external: the guest has
 * its native build. `toolkit` replaces `./linux.js` (lesson files are bundled against the package's toolkit).
 */
export async function bundleRuntime(entry: string, toolkit?: string, contents?: string): Promise<BundleResult> {
  const plugins: Plugin[] = toolkit
    ? [{
        name: 'toolkit',
        setup(b) {
          b.onResolve({ filter: /^\.\/linux(\.js|\.ts)?$/ }, () => ({ path: toolkit }));
        },
      }]
    : [];
  try {
    const result = await build({
      // `contents` stands in for the file (a lesson file made from the level chain), resolved from where it would be.
      ...(contents === undefined
        ? { entryPoints: [entry] }
        : { stdin: { contents, loader: 'ts' as const, resolveDir: path.dirname(entry), sourcefile: path.basename(entry) } }),
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['koffi'],
      plugins,
      logLevel: 'silent',
      // Lets bundled CommonJS dependencies call require() from an ES module.
      banner: { js: "import { createRequire as __rwRequire } from 'node:module'; const require = __rwRequire(import.meta.url);" },
    });
    return { ok: true, code: result.outputFiles[0].text };
  } catch (e) {
    return { ok: false, error: describeBuildError(e, path.dirname(entry)) };
  }
}

/** The runtime of the workspace around here, bundled; a UserError showing where it does not build. */
export async function bundleWorkspaceRd(): Promise<string> {
  const bundle = await bundleRuntime(path.join(workspaceHere(), 'rd.ts'));
  if (!bundle.ok) throw new UserError(`rd.ts does not build:\n${bundle.error}`);
  return bundle.code;
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
