import os from 'node:os';
import path from 'node:path';
import { parseCommand, wholeNumber, type CommandSpec } from '../cli/args.js';
import { UsageError } from '../errors.js';
import { levelId } from '../cli/level.js';
import { parseShard, shardFolder, type Shard } from './shard.js';

export interface GradeArgs {
  /** Workspaces, folders of them, or list files, as given. */
  paths: string[];
  /** Output folder, absolute; with --shard, the shard's own folder inside the one given. */
  out: string;
  jobs: number;
  /** The highest level graded; levels 00..level are scored. */
  level: string;
  /** Per-submission limit. */
  timeoutMs: number;
  resume: boolean;
  /** With --resume: grade again submissions whose result is "error". */
  retryErrors: boolean;
  /** Grade only this share of the class (--shard). */
  shard?: Shard;
}

export const GRADE = {
  name: 'grade',
  synopsis: 'rubber-workshop grade PATH… [options]',
  about: `       rubber-workshop grade merge SHARD_OUT… --out DIR   (see grade merge --help)

Grades learner workspaces, each in its own fresh VM. A PATH is a workspace (a folder with rd.ts, e.g. a
git clone), a folder of workspaces (one per learner), or a text file listing workspace folders, one a
line (relative to the file; blank lines and lines starting with # are ignored). Workspaces are only read.

Options:
  --out DIR          where results go (default ./grades): results/<learner>.json, class.csv,
                     class.json, class.html (a report to open in a browser), shard.json
  --jobs N           workspaces graded at once (default: the number of CPUs)
  --level NN         grade levels 00..NN (default: the last level)
  --timeout SECONDS  stop a workspace's checks after this long; it is graded "error" (default 600)
  --resume           finish an interrupted run: keep results whose sources and checkers are unchanged
  --retry-errors     with --resume, grade again the workspaces whose result is "error"
  --shard I/N        grade only share I of N of the class (the same share on every machine), into
                     DIR/shard-I-of-N; --shard N takes I from JOB_COMPLETION_INDEX (0 is shard 1), as a
                     Kubernetes Indexed Job sets it. Join the shards with \`grade merge\`.
  -h, --help         show this help

Each result records the sha256 of the graded sources, the tool version, and the checkers' and VM
assets' digests. Exit status: 0 every workspace has a result, 2 could not grade, 130 interrupted.
`,
  options: {
    out: { type: 'string', short: 'o' },
    jobs: { type: 'string', short: 'j' },
    level: { type: 'string', short: 'l' },
    timeout: { type: 'string' },
    resume: { type: 'boolean' },
    'retry-errors': { type: 'boolean' },
    shard: { type: 'string' },
  },
  maxPositionals: Infinity,
} satisfies CommandSpec;

const DEFAULT_TIMEOUT_S = 600;

/**
 * Parses the arguments after `grade`. Returns undefined for --help (printed to `helpOut`). `levels` are the
 * level ids in order; `cwd` resolves --out; `env` may hold JOB_COMPLETION_INDEX.
 */
export function parseGradeArgs(argv: string[], levels: readonly string[], cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env, helpOut: NodeJS.WritableStream = process.stdout): GradeArgs | undefined {
  const parsed = parseCommand(GRADE, argv, helpOut);
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('give at least one workspace, folder of workspaces, or list file to grade');
  if (values['retry-errors'] && !values.resume) throw new UsageError('--retry-errors only makes sense with --resume');
  const shard = values.shard === undefined ? undefined : parseShard(values.shard, env);
  const out = path.resolve(cwd, values.out ?? 'grades');
  return {
    paths: positionals,
    out: shard ? path.join(out, shardFolder(shard)) : out,
    jobs: values.jobs === undefined ? defaultJobs() : wholeNumber('--jobs', values.jobs, 1),
    level: values.level === undefined ? lastLevel(levels) : levelId(values.level, levels),
    timeoutMs: (values.timeout === undefined ? DEFAULT_TIMEOUT_S : wholeNumber('--timeout', values.timeout, 1)) * 1000,
    resume: values.resume ?? false,
    retryErrors: values['retry-errors'] ?? false,
    ...(shard && { shard }),
  };
}

/** Each VM is one busy vCPU under emulation, so more jobs than CPUs only slows every job down. */
export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

function lastLevel(levels: readonly string[]): string {
  const last = levels.at(-1);
  if (!last) throw new UsageError('no levels found in the lessons folder; reinstall rubber-workshop');
  return last;
}
