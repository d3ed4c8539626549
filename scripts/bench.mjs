#!/usr/bin/env node
// npm run bench: how long a learner waits, measured on this machine (medians of RUNS runs each).
// Not a test: figures vary with the host; they go into notes and README, never into assertions.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { wholeLessons } from './whole-lessons.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const lessons = wholeLessons();
const cli = new URL('../dist/cli.js', import.meta.url).pathname;

/** Runs the CLI (in `cwd`), timing the whole run and the first line matching `mark`. */
function timed(args, mark, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let out = '', err = '', markAt = null;
    // check prints each result on stderr as it comes, and its summary on stdout: the mark is looked for in both.
    const seen = () => {
      if (mark && markAt === null && (mark.test(out) || mark.test(err))) markAt = performance.now() - start;
    };
    child.stdout.on('data', (d) => { out += d; seen(); });
    child.stderr.on('data', (d) => { err += d; seen(); });
    child.on('close', (code) => {
      const ready = /guest ready after (\d+) ms/.exec(err);
      if (code !== 0) reject(new Error(`rubber-workshop ${args.join(' ')} exited ${code}: ${err}`));
      else resolve({ total: performance.now() - start, mark: markAt, ready: ready ? Number(ready[1]) : null, out });
    });
  });
}

const workspaces = [];
process.on('exit', () => workspaces.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A throwaway workspace holding a level's reference solution. */
function solutionWorkspace(level) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-bench-ws-'));
  execFileSync(process.execPath, [cli, 'init', dir], { stdio: 'ignore' });
  fs.copyFileSync(path.join(lessons[level], 'solution.ts'), path.join(dir, 'rd.ts'));
  workspaces.push(dir);
  return dir;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** Runs the CLI RUNS times and prints each figure `picks` takes from a run: median, min and max, and its ratio to `base`. */
async function series(args, picks, { mark, cwd, env } = {}) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timed(args, mark, cwd, env));
  for (const [label, pick] of Object.entries(picks)) report(label, runs.map(pick));
}

/** Prints a figure's median, min and max, and its ratio to `base`. */
function report(label, samples) {
  const m = median(samples);
  const ratio = base && label !== BASE ? `  = ${(m / base).toFixed(1)}× node -e 0` : '';
  console.log(`${label.padEnd(72)} ${s(m)}  (min ${s(Math.min(...samples))}, max ${s(Math.max(...samples))}, n=${samples.length})${ratio}`);
  if (label === BASE) base = m;
}

// Every figure is also given as a ratio to this one, taken in the same run: the host's speed cancels out.
const BASE = 'saved guest: vm exec -- node -e 0, round trip';
let base = null;

const doctor = await timed(['doctor']).catch((e) => ({ out: e.message }));
const accel = /accelerator: (\w+)/.exec(doctor.out)?.[1] ?? 'unknown';
console.log(`rubber-workshop bench — ${os.cpus().length} × ${os.cpus()[0]?.model}, accelerator ${accel}, Node ${process.version}\n`);

// One run first, unmeasured: the saved guest and the assets into the page cache.
await timed(['vm', 'exec', '--', 'true']);
await series(['vm', 'exec', '--', 'node', '-e', '0'], { [BASE]: (r) => r.total });
await series(['vm', 'exec', '--timings', '--', 'true'], {
  'cold boot (no saved guest) until the harness is ready': (r) => r.ready,
  'cold boot: full round trip of vm exec -- true': (r) => r.total,
}, { env: { RUBBER_WORKSHOP_SNAPSHOT: '0' } });
await series(['vm', 'exec', '--timings', '--', 'true'], {
  'saved guest: VM start until the harness is ready': (r) => r.ready,
  'saved guest: full round trip of vm exec -- true': (r) => r.total,
});
await series(['vm', 'exec', '--', 'node', '-e', 'console.log("first")'], { 'saved guest: VM start until the first output of node -e': (r) => r.mark }, { mark: /first/ });

// The current level's verdict after a save, at every level (BENCH_LEVELS="00 10" for some): when every one of
// its checks has shown its line (their order varies: a level's checker may run in parts, in two VMs at once);
// the level being checked runs first, the earlier levels go on after it.
const levels = Object.keys(lessons).sort();
const lastLevel = levels.at(-1);
const levelVerdict = (level) => {
  const lines = [...fs.readFileSync(new URL(`../checkers/${level}.sh`, import.meta.url), 'utf8').matchAll(/^check (\S+)/gm)]
    .map((m) => new RegExp(`^[✓✗] ${level} ${m[1]} `, 'm'));
  return { test: (text) => lines.every((line) => line.test(text)) };
};
for (const level of process.env.BENCH_LEVELS?.split(/\s+/) ?? levels) {
  await series(['check', level], {
    [`check ${level} with its solution: level ${level}'s own verdict`]: (r) => r.mark,
    [`check ${level} with its solution: all of levels 00-${level}`]: (r) => r.total,
  }, { mark: levelVerdict(level), cwd: solutionWorkspace(level) });
}
// Watch mode (check --watch, as the TUI's `w`): the verdict after a save, with spare VMs restored and warmed up
// while the learner edits. Saves come BENCH_WATCH_IDLE seconds apart (default 10: time to read the results).
const IDLE_MS = Number(process.env.BENCH_WATCH_IDLE || 10) * 1000;
/** RUNS saves under one `check --watch`: for each, when the level's own verdict and the whole check came. */
async function watchRuns(level) {
  const cwd = solutionWorkspace(level);
  const child = spawn(process.execPath, [cli, 'check', '--watch', level], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const closed = new Promise((resolve) => child.on('close', resolve));
  const waitFor = async (re) => {
    while (!re.test(out)) {
      if (child.exitCode !== null) throw new Error(`check --watch ended: ${out}`);
      if (/Could not check/.test(out)) throw new Error(`check --watch could not check: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return performance.now();
  };
  const runs = [];
  try {
    await waitFor(/Watching rd\.ts/);
    for (let i = 0; i < RUNS; i++) {
      await new Promise((r) => setTimeout(r, IDLE_MS));
      out = '';
      fs.appendFileSync(path.join(cwd, 'rd.ts'), `// saved ${i}\n`);
      const start = performance.now();
      const own = await waitFor(levelVerdict(level));
      const all = await waitFor(/Watching rd\.ts/);
      if (!/passed \(/.test(out)) throw new Error(`the solution of ${level} did not pass under check --watch: ${out}`);
      runs.push({ own: own - start, all: all - start });
    }
  } finally {
    // Also when a run failed: a watch left behind keeps its spare VMs running.
    child.kill('SIGINT');
    await closed;
  }
  return runs;
}
for (const level of process.env.BENCH_LEVELS?.split(/\s+/) ?? levels) {
  const runs = await watchRuns(level);
  report(`check --watch ${level}, a save with spare VMs ready: level ${level}'s own verdict`, runs.map((r) => r.own));
  report(`check --watch ${level}, a save with spare VMs ready: all of levels 00-${level}`, runs.map((r) => r.all));
}

// In one VM, and dealt out to two VMs at once (the default on two cores); BENCH_ONE_VM=0 skips it.
for (const level of process.env.BENCH_ONE_VM === '0' ? [] : ['10', lastLevel]) {
  await series(['check', level], {
    [`check ${level} with its solution, 1 VM: level ${level}'s own verdict`]: (r) => r.mark,
    [`check ${level} with its solution, 1 VM: all of levels 00-${level}`]: (r) => r.total,
  }, { mark: levelVerdict(level), cwd: solutionWorkspace(level), env: { RUBBER_WORKSHOP_VMS: '1' } });
}

// dev check: every stub, solution and wrong variant, once (it takes many minutes); BENCH_DEV_CHECK=0 skips it.
if (process.env.BENCH_DEV_CHECK !== '0') {
  const r = await timed(['dev', 'check']);
  console.log(`${'dev check (every stub, solution and wrong variant), one run'.padEnd(72)} ${s(r.total)}${base ? `  = ${(r.total / base).toFixed(1)}× node -e 0` : ''}`);
}

// Grading throughput: a generated class of correct, partly correct, broken and hanging workspaces.
// BENCH_GRADE=0 skips it (it takes minutes); BENCH_GRADE_LEVEL etc. are read by bench-grade.mjs.
if (process.env.BENCH_GRADE !== '0') {
  const { benchGrade } = await import('./bench-grade.mjs');
  // One machine's pool, then the same class as two shards (grade --shard, then grade merge) on this machine.
  await benchGrade({ cli, shards: 1 });
  await benchGrade({ cli, shards: 2 });
}
