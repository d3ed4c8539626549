import fs from 'node:fs';
import path from 'node:path';
import { parseCommand, type CommandSpec } from '../cli/args.js';
import { UsageError } from '../errors.js';
import { writeClassFiles } from './class-files.js';
import { GradeError } from './errors.js';
import { MANIFEST_FILE } from './manifest.js';
import { findShardFolders, mergeShards } from './merge.js';

export const MERGE = {
  name: 'grade merge',
  synopsis: 'rubber-workshop grade merge SHARD_OUT… [--out DIR]',
  about: `Joins the results of shards graded with \`grade --shard I/N\` (on several machines, or as a Kubernetes
Indexed Job) into one class summary, as if one machine had graded the whole class. A SHARD_OUT is a
shard's folder (DIR/shard-I-of-N) or the folder holding them. Learners are matched by name, not by
where their workspaces were mounted. The shards' folders are only read.

Options:
  --out DIR    where class.csv, class.json and class.html go (default ./grades)
  -h, --help   show this help

It reports missing shards, learners with no result or with two, and shards graded with a different
rubber-workshop, checkers or VM assets. Exit status: 0 the whole class, graded one way; 1 merged, but
with such problems (listed, and marked in class.json and class.html); 2 could not merge.
`,
  options: { out: { type: 'string', short: 'o' } },
  maxPositionals: Infinity,
} satisfies CommandSpec;

/** Where a grading command writes, and what relative paths are relative to. */
export interface CommandIo {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  cwd?: string;
}

/** `rubber-workshop grade merge SHARD_OUT… [--out DIR]`: returns the exit status (see {@link MERGE}). */
export function mergeCommand(argv: string[], io: CommandIo = {}, now: Date = new Date()): number {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const args = parseMergeArgs(argv, cwd, stdout);
  if (!args) return 0;
  const shards = findShardFolders(args.paths, cwd);
  if (fs.existsSync(path.join(args.out, MANIFEST_FILE))) {
    throw new GradeError(`${path.relative(cwd, args.out) || '.'} holds a grading run's own results: choose another --out for the merge`);
  }
  const { summary, results, problems } = mergeShards(shards, args.out, now);
  const files = writeClassFiles(args.out, summary, results);
  const { pass, fail, error, pending } = summary.counts;
  const of = shards[0]!.manifest.shards;
  stderr.write(`Merged ${shards.length} shard${shards.length === 1 ? '' : 's'} of ${of}: ${summary.learners.length} learners, ${pass} pass, ${fail} fail, ${error} error${pending ? `, ${pending} without a result` : ''}.\n`);
  for (const problem of problems) stderr.write(`Problem: ${problem}\n`);
  stderr.write(`Class summary: ${files.map((f) => path.relative(cwd, f)).join(', ')}\n`);
  return problems.length > 0 ? 1 : 0;
}

function parseMergeArgs(argv: string[], cwd: string, helpOut: NodeJS.WritableStream): { paths: string[]; out: string } | undefined {
  const parsed = parseCommand(MERGE, argv, helpOut);
  if (!parsed) return undefined;
  if (parsed.positionals.length === 0) throw new UsageError('give the shard folders to merge (or the folder holding them)');
  return { paths: parsed.positionals, out: path.resolve(cwd, parsed.values.out ?? 'grades') };
}
