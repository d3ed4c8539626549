#!/usr/bin/env node
// npm run bench: how long a learner waits, measured on this machine (medians of RUNS runs each).
// Not a test: figures vary with the host; they go into notes and README, never into assertions.
import { spawn } from 'node:child_process';
import os from 'node:os';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const cli = new URL('../dist/cli.js', import.meta.url).pathname;

/** Runs the CLI, timing the whole run and the first stdout line matching `mark`. */
function timed(args, mark) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1' } });
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function series(label, args, pick, mark) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(pick(await timed(args, mark)));
  console.log(`${label.padEnd(52)} ${s(median(samples))}  (min ${s(Math.min(...samples))}, max ${s(Math.max(...samples))}, n=${RUNS})`);
}

const doctor = await timed(['doctor']).catch((e) => ({ out: e.message }));
const accel = /accelerator: (\w+)/.exec(doctor.out)?.[1] ?? 'unknown';
console.log(`rubber-workshop bench — ${os.cpus().length} × ${os.cpus()[0]?.model}, accelerator ${accel}, Node ${process.version}\n`);

const uptime = [];
for (let i = 0; i < RUNS; i++) uptime.push(Number((await timed(['vm', 'exec', '--', 'cut', '-d', ' ', '-f1', '/proc/uptime'])).out.trim()) * 1000);
console.log(`${'guest kernel + init until the command runs (uptime)'.padEnd(52)} ${s(median(uptime))}`);
await series('VM start until the guest harness is ready', ['vm', 'exec', '--timings', '--', 'true'], (r) => r.ready);
await series('VM start until the first output of node -e', ['vm', 'exec', '--', 'node', '-e', 'console.log("first")'], (r) => r.mark, /first/);
await series('full round trip: rubber-workshop vm exec -- true', ['vm', 'exec', '--', 'true'], (r) => r.total);

// Grading throughput: a generated class of correct, partly correct, broken and hanging workspaces.
const { benchGrade } = await import('./bench-grade.mjs');
await benchGrade({ cli });
