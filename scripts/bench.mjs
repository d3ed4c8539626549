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

/** Runs the CLI (in `cwd`), timing the whole run and the first stdout line matching `mark`. */
function timed(args, mark, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let out = '', err = '', markAt = null;
    child.stdout.on('data', (d) => {
      out += d;
      if (mark && markAt === null && mark.test(out)) markAt = performance.now() - start;
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const ready = /guest ready after (\d+) ms/.exec(err);
      if (code !== 0) reject(new Error(`rubber-workshop ${args.join(' ')} exited ${code}: ${err}`));
      else resolve({ total: performance.now() - start, mark: markAt, ready: ready ? Number(ready[1]) : null, out });
    });
  });
}

/** A throwaway workspace holding a level's reference solution. */
function solutionWorkspace(level) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-bench-ws-'));
  execFileSync(process.execPath, [cli, 'init', dir], { stdio: 'ignore' });
  fs.copyFileSync(path.join(lessons[level], 'solution.ts'), path.join(dir, 'rd.ts'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function series(label, args, pick, mark, cwd, env) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(pick(await timed(args, mark, cwd, env)));
  console.log(`${label.padEnd(64)} ${s(median(samples))}  (min ${s(Math.min(...samples))}, max ${s(Math.max(...samples))}, n=${RUNS})`);
}

const doctor = await timed(['doctor']).catch((e) => ({ out: e.message }));
const accel = /accelerator: (\w+)/.exec(doctor.out)?.[1] ?? 'unknown';
console.log(`rubber-workshop bench — ${os.cpus().length} × ${os.cpus()[0]?.model}, accelerator ${accel}, Node ${process.version}\n`);

await series('cold boot (no saved guest) until the harness is ready', ['vm', 'exec', '--timings', '--', 'true'], (r) => r.ready, undefined, undefined, { RUBBER_WORKSHOP_SNAPSHOT: '0' });
await series('cold boot: full round trip of vm exec -- true', ['vm', 'exec', '--', 'true'], (r) => r.total, undefined, undefined, { RUBBER_WORKSHOP_SNAPSHOT: '0' });
await series('saved guest: VM start until the harness is ready', ['vm', 'exec', '--timings', '--', 'true'], (r) => r.ready);
await series('saved guest: VM start until the first output of node -e', ['vm', 'exec', '--', 'node', '-e', 'console.log("first")'], (r) => r.mark, /first/);
await series('saved guest: full round trip of vm exec -- true', ['vm', 'exec', '--', 'true'], (r) => r.total);

await series('check of level 00 with its solution (rubber-workshop check 00)', ['check', '00'], (r) => r.total, undefined, solutionWorkspace('00'));
// Every check of every level, each container observed from outside while it holds still: in one VM, and
// dealt out to two VMs at once (the default on two cores); the level being checked runs first either way.
const lastLevel = Object.keys(lessons).sort().pop();
for (const level of ['10', lastLevel]) {
  const ws = solutionWorkspace(level);
  // The level's own verdict: its last check's line (its checks run first, in checkers/NN.sh's order).
  const checks = [...fs.readFileSync(new URL(`../checkers/${level}.sh`, import.meta.url), 'utf8').matchAll(/^check (\S+)/gm)];
  const lastCheck = new RegExp(`^[✓✗] ${level} ${checks.at(-1)[1]}`, 'm');
  for (const vms of ['1', '2']) {
    await series(`check ${level} with its solution, ${vms} VM(s): until level ${level}'s own verdict`, ['check', level], (r) => r.mark, lastCheck, ws, { RUBBER_WORKSHOP_VMS: vms });
    await series(`check ${level} with its solution, ${vms} VM(s): all of levels 00-${level}`, ['check', level], (r) => r.total, undefined, ws, { RUBBER_WORKSHOP_VMS: vms });
  }
}

// Grading throughput: a generated class of correct, partly correct, broken and hanging workspaces.
// BENCH_GRADE=0 skips it (it takes minutes); BENCH_GRADE_LEVEL etc. are read by bench-grade.mjs.
if (process.env.BENCH_GRADE !== '0') {
  const { benchGrade } = await import('./bench-grade.mjs');
  // One machine's pool, then the same class as two shards (grade --shard, then grade merge) on this machine.
  await benchGrade({ cli, shards: 1 });
  await benchGrade({ cli, shards: 2 });
}
