#!/usr/bin/env node
// Grading throughput: generates a class of workspaces mixing correct, partly correct, broken and hanging
// runtimes, grades it with `rubber-workshop grade`, and reports workspaces per minute.
// `npm run bench` calls benchGrade(); run alone: node scripts/bench-grade.mjs (after npm run build).
// With `shards` > 1 the class is graded as that many `grade --shard I/N` processes at once, sharing the
// jobs between them, and joined with `grade merge`: the time includes the merge.
// Environment: BENCH_GRADE_COUNT (default 20), BENCH_GRADE_LEVEL (default: the last level with a
// solution), BENCH_GRADE_JOBS (default: one per CPU), BENCH_GRADE_TIMEOUT seconds (default 300),
// BENCH_GRADE_SHARDS (default 1, when run alone).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wholeLessons } from './whole-lessons.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function levelsWithSolutions() {
  const whole = wholeLessons();
  return Object.keys(whole).sort().map((id) => ({ id, dir: whole[id] }));
}

/**
 * The runtimes of a class of `count` learners graded at `level`, in the proportions of a real class:
 * 40% correct, 30% partly correct (an earlier level's solution: right up to that level, then failing), 15%
 * that do not build, 15% that hang.
 */
export function classRuntimes(count, level) {
  const levels = levelsWithSolutions();
  const upTo = levels.filter((l) => l.id <= level);
  const target = upTo.at(-1);
  if (!target) throw new Error(`no level up to ${level} has a solution yet`);
  const read = (f) => fs.readFileSync(f, 'utf8');
  const solution = read(path.join(target.dir, 'solution.ts'));
  const partial = upTo.filter((l) => l !== target).map((l) => read(path.join(l.dir, 'solution.ts')));
  if (partial.length === 0) partial.push(read(path.join(target.dir, 'stub.ts')));
  const kinds = { correct: Math.round(count * 0.4), partly: Math.round(count * 0.3), broken: Math.round(count * 0.15) };
  const hanging = count - kinds.correct - kinds.partly - kinds.broken;
  return [
    ...Array.from({ length: kinds.correct }, () => ({ kind: 'correct', rd: solution })),
    ...Array.from({ length: kinds.partly }, (_, i) => ({ kind: 'partly', rd: partial[i % partial.length] })),
    ...Array.from({ length: kinds.broken }, () => ({ kind: 'broken', rd: `${solution}\nconst = ;\n` })),
    ...Array.from({ length: hanging }, () => ({ kind: 'hanging', rd: 'setInterval(() => {}, 1000);\n' })),
  ];
}

/** Writes the class as workspaces under `dir`/class, one folder per learner. */
export function writeClass(dir, runtimes) {
  const toolkit = fs.readFileSync(path.join(repo, 'src/linux/index.ts'));
  runtimes.forEach(({ kind, rd }, i) => {
    const ws = path.join(dir, 'class', `${String(i + 1).padStart(2, '0')}-${kind}`);
    fs.mkdirSync(path.join(ws, '.rubber-workshop'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'rd.ts'), rd);
    fs.writeFileSync(path.join(ws, 'linux.ts'), toolkit);
  });
  return path.join(dir, 'class');
}

function run(cli, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`rubber-workshop ${args.join(' ')} exited ${code}:\n${err}`))));
  });
}

/** Grades a generated class and returns (and prints) its throughput. */
export async function benchGrade({
  cli = path.join(repo, 'dist/cli.js'),
  count = Number(process.env.BENCH_GRADE_COUNT || 20),
  level = process.env.BENCH_GRADE_LEVEL || levelsWithSolutions().at(-1)?.id,
  jobs = Number(process.env.BENCH_GRADE_JOBS || os.availableParallelism()),
  timeoutS = Number(process.env.BENCH_GRADE_TIMEOUT || 300),
  shards = Number(process.env.BENCH_GRADE_SHARDS || 1),
  log = console.log,
} = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-bench-grade-'));
  try {
    const runtimes = classRuntimes(count, level);
    const classDir = writeClass(dir, runtimes);
    const out = path.join(dir, 'grades');
    const grade = ['grade', classDir, '--out', out, '--level', level, '--timeout', String(timeoutS)];
    const perShard = String(Math.max(1, Math.floor(jobs / shards)));
    const start = performance.now();
    if (shards === 1) await run(cli, [...grade, '--jobs', String(jobs)]);
    else {
      await Promise.all(Array.from({ length: shards }, (_, i) => run(cli, [...grade, '--jobs', perShard, '--shard', `${i + 1}/${shards}`])));
      await run(cli, ['grade', 'merge', out, '--out', out]);
    }
    const ms = performance.now() - start;
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'class.json'), 'utf8'));
    if (summary.learners.length !== count || summary.counts.pending) throw new Error(`graded ${summary.learners.length - summary.counts.pending} of ${count} workspaces`);
    const mix = ['correct', 'partly', 'broken', 'hanging'].map((k) => `${runtimes.filter((r) => r.kind === k).length} ${k}`).join(', ');
    const perMinute = count / (ms / 60_000);
    const { pass, fail, error } = summary.counts;
    const split = shards === 1 ? '1 shard' : `${shards} shards`;
    log(`${`grading throughput, ${count} workspaces at level ${level}, ${split}`.padEnd(64)} ${perMinute.toFixed(1)} workspaces/min`);
    log(`  (${mix}; jobs ${shards === 1 ? jobs : `${perShard} per shard`}; ${(ms / 1000).toFixed(0)} s in all; graded ${pass} pass, ${fail} fail, ${error} error)`);
    return { count, level, shards, ms, perMinute, counts: summary.counts };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  benchGrade().catch((err) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
