import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGrade, type GradeEvent, type GradeOptions } from '../../../src/grade/grade.js';
import { GradeError } from '../../../src/grade/errors.js';
import type { GradeResult } from '../../../src/grade/result.js';
import type { ClassSummary } from '../../../src/grade/summary.js';
import { fakeCheck, fakeCheckers } from './fake-check.js';

const levels = ['00', '01', '02'];
let root: string;
let classDir: string;
let out: string;
let checkers: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-'));
  classDir = path.join(root, 'class');
  out = path.join(root, 'grades');
  checkers = path.join(root, 'checkers');
  fs.mkdirSync(checkers);
  fakeCheckers(checkers, levels);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function workspace(dir: string, firstLine: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'rd.ts'), `${firstLine}\n// the learner's runtime\n`);
  fs.writeFileSync(path.join(dir, 'linux.ts'), 'export {};\n');
  fs.mkdirSync(path.join(dir, '.rubber-workshop'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.rubber-workshop', 'progress.json'), '{}');
  return dir;
}

function learners(spec: Record<string, string>): void {
  for (const [name, line] of Object.entries(spec)) workspace(path.join(classDir, name), line);
}

function options(extra: Partial<GradeOptions> = {}): GradeOptions {
  return { paths: [classDir], out, jobs: 2, level: '02', timeoutMs: 60_000, resume: false, retryErrors: false, ...extra };
}

function grade(fake: ReturnType<typeof fakeCheck>, extra: Partial<GradeOptions> = {}, assets = 'assets-1') {
  return runGrade(options(extra), { runCheck: fake.runCheck, assetsDigest: async () => assets, levels, checkersDir: checkers });
}

const readResult = (learner: string): GradeResult => JSON.parse(fs.readFileSync(path.join(out, 'results', `${learner}.json`), 'utf8'));
const readSummary = (): ClassSummary => JSON.parse(fs.readFileSync(path.join(out, 'class.json'), 'utf8'));
const scoresOf = (r: GradeResult) => Object.fromEntries(Object.entries(r.scores).map(([l, s]) => [l, s.score]));

/** A digest of every file under `dir`, names and contents, to prove grading left it as it was. */
function treeDigest(dir: string): string {
  const hash = crypto.createHash('sha256');
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      hash.update(p);
      if (fs.statSync(p).isDirectory()) walk(p);
      else hash.update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

describe('runGrade', () => {
  it('grades a class folder, scoring each level by its share of passed checks', async () => {
    learners({ alice: 'pass', bob: 'fail-from 01', carol: 'build-error', dave: 'crash-after 02' });
    fs.mkdirSync(path.join(classDir, 'erin'));
    workspace(path.join(classDir, 'frank', 'rubber-workshop-clone'), 'pass');
    const fake = fakeCheck(levels);

    const run = await grade(fake);

    expect(run.interrupted).toBe(false);
    expect(scoresOf(readResult('alice'))).toEqual({ '00': 1, '01': 1, '02': 1 });
    expect(readResult('alice')).toMatchObject({ status: 'pass', total: 3, max: 3, reason: null });
    expect(scoresOf(readResult('bob'))).toEqual({ '00': 1, '01': 0.5, '02': 0.5 });
    expect(readResult('bob')).toMatchObject({ status: 'fail', total: 2, reason: '01/a: level 01 is not done' });
    expect(readResult('carol')).toMatchObject({ status: 'error', total: 0, reason: expect.stringContaining('ERROR') });
    expect(readResult('dave')).toMatchObject({ status: 'error', total: 2, reason: 'the VM stopped unexpectedly' });
    expect(readResult('erin')).toMatchObject({ status: 'error', total: 0, reason: 'no rd.ts in this folder' });
    expect(readResult('frank')).toMatchObject({ status: 'pass', path: fs.realpathSync(path.join(classDir, 'frank', 'rubber-workshop-clone')) });
    expect(fake.calls).toHaveLength(5);

    const summary = readSummary();
    expect(summary.counts).toEqual({ pass: 2, fail: 1, error: 3, pending: 0 });
    expect(summary.learners.map((l) => [l.learner, l.total])).toEqual([
      ['alice', 3], ['bob', 2], ['carol', 0], ['dave', 2], ['erin', 0], ['frank', 3],
    ]);
    const csv = fs.readFileSync(path.join(out, 'class.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('learner,status,00,01,02,total,max,time_s,reason,path,sources_sha256,result_file');
    expect(csv[2]).toMatch(/^bob,fail,1,0\.5,0\.5,2,3,[\d.]+,01\/a: level 01 is not done,/);
  });

  it('records what exactly was graded: sources, tool, checkers and VM digests', async () => {
    learners({ alice: 'pass' });
    await grade(fakeCheck(levels));
    const p = readResult('alice').provenance;
    const rd = fs.readFileSync(path.join(classDir, 'alice', 'rd.ts'));
    expect(p.sources['rd.ts']).toBe(crypto.createHash('sha256').update(rd).digest('hex'));
    expect(Object.keys(p.sources).sort()).toEqual(['linux.ts', 'rd.ts']);
    expect(p.vm_assets_digest).toBe('assets-1');
    expect(p.checkers_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(p.tool_version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('never touches a workspace: the runner gets a copy of its sources', async () => {
    learners({ alice: 'pass', bob: 'fail-from 00' });
    const before = treeDigest(classDir);
    const fake = fakeCheck(levels);
    await grade(fake);
    expect(treeDigest(classDir)).toBe(before);
    for (const dir of fake.gradedDirs()) expect(dir.startsWith(classDir)).toBe(false);
  });

  it('keeps no more than --jobs checks running at once', async () => {
    learners(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`l${i}`, 'pass'])));
    const fake = fakeCheck(levels);
    await grade(fake, { jobs: 2 });
    expect(fake.calls).toHaveLength(6);
    expect(fake.maxRunning()).toBe(2);
  });

  it('gives a hanging runtime an error result when its time is up, even if the runner ignores the abort', async () => {
    learners({ polite: 'hang', deaf: 'deaf-hang', alice: 'pass' });
    await grade(fakeCheck(levels), { timeoutMs: 50 });
    for (const learner of ['polite', 'deaf']) {
      expect(readResult(learner)).toMatchObject({ status: 'error', reason: expect.stringContaining('did not finish within') });
    }
    expect(readResult('alice').status).toBe('pass');
  });

  it('grades again alone what ran out of time beside others, and keeps that result (or stops at the same time-out)', async () => {
    // erin's build error quotes her code, which says "did not finish within": no time limit decided it.
    learners({ alice: 'slow-when-crowded', bob: 'pass', carol: 'rd-timeout', dave: 'fail-from 01', erin: 'build-error the check did not finish within 5 s' });
    const fake = fakeCheck(levels);
    const events: GradeEvent[] = [];
    await grade(fake, { jobs: 2, onEvent: (e) => events.push(e) });
    // alice timed out only while another check ran: alone she passes. carol times out alone too: her fail stands.
    expect(readResult('alice')).toMatchObject({ status: 'pass', reason: null });
    expect(readResult('carol')).toMatchObject({ status: 'fail', reason: expect.stringContaining('00/a: rd did not finish within 20 s') });
    expect(events.filter((e) => e.type === 'regrade')).toEqual([{ type: 'regrade', learners: ['alice', 'carol'], jobs: 2 }]);
    const again = events.filter((e) => e.type === 'graded' && e.again);
    expect(again.map((e) => e.type === 'graded' && e.result.learner)).toEqual(['alice', 'carol']);
    // Five first grades and two again; bob, dave and erin (no time limit in theirs) are graded once. carol's second
    // grade stopped at the check that ran out of time the first time too: it confirmed the first result.
    expect(fake.calls).toHaveLength(7);
    expect(fake.finished()).toBe(5);
    expect(readResult('erin')).toMatchObject({ status: 'error', reason: expect.stringContaining('did not finish within') });
    expect(events.filter((e) => e.type === 'graded').map((e) => e.type === 'graded' && e.done)).toEqual([1, 2, 3, 4, 5, 5, 5]);
  });

  it('marks what ran out of time beside others until it is graded again alone, so that --resume finishes the job', async () => {
    learners({ alice: 'slow-when-crowded', bob: 'pass', carol: 'rd-timeout' });
    const controller = new AbortController();
    const onEvent = (e: GradeEvent) => {
      if (e.type === 'regrade') controller.abort(); // interrupted before the second grades
    };
    await grade(fakeCheck(levels), { jobs: 2, signal: controller.signal, onEvent });
    expect(readResult('alice')).toMatchObject({ status: 'fail', to_grade_alone: true });
    expect(readResult('carol')).toMatchObject({ status: 'fail', to_grade_alone: true });
    expect(readResult('bob').to_grade_alone).toBeUndefined();

    const resumed = fakeCheck(levels);
    const events: GradeEvent[] = [];
    await grade(resumed, { jobs: 1, resume: true, onEvent: (e) => events.push(e) });
    expect(events[0]).toMatchObject({ type: 'plan', kept: 1, toGrade: 2, regraded: { 'it ran out of time beside others': 2 } });
    expect(resumed.calls.map((c) => path.basename(c.workspaceDir)).sort()).toEqual(['alice', 'carol']);
    expect(readResult('alice')).toEqual(expect.objectContaining({ status: 'pass' }));
    expect(readResult('alice').to_grade_alone).toBeUndefined();
    // carol ran out of time alone: her fail stands, and is no longer marked.
    expect(readResult('carol')).toMatchObject({ status: 'fail' });
    expect(readResult('carol').to_grade_alone).toBeUndefined();
    const third = fakeCheck(levels);
    await grade(third, { jobs: 2, resume: true });
    expect(third.calls).toHaveLength(0);
  });

  it('grades nothing again when one check ran at a time: the time limit was the runtime\'s own', async () => {
    learners({ alice: 'rd-timeout', bob: 'pass' });
    const fake = fakeCheck(levels);
    const events: GradeEvent[] = [];
    await grade(fake, { jobs: 1, onEvent: (e) => events.push(e) });
    expect(fake.calls).toHaveLength(2);
    expect(events.some((e) => e.type === 'regrade')).toBe(false);
    expect(readResult('alice').status).toBe('fail');
  });

  it('turns a runner that throws into an error result rather than losing the submission', async () => {
    learners({ alice: 'throw', bob: 'pass' });
    await grade(fakeCheck(levels));
    expect(readResult('alice')).toMatchObject({ status: 'error', reason: 'the checker failed: qemu exploded' });
    expect(readResult('bob').status).toBe('pass');
  });

  it('gives a workspace holding a FIFO an error result, and grades the others: its reader would wait for good', async () => {
    learners({ alice: 'pass', bob: 'pass' });
    fs.mkdirSync(path.join(classDir, 'bob', 'node_modules'));
    // esbuild reads package.json by itself; the grader reads .git for the commit.
    for (const fifo of ['.git', 'package.json']) expect(spawnSync('mkfifo', [path.join(classDir, 'bob', fifo)]).status).toBe(0);
    await grade(fakeCheck(levels));
    expect(readResult('alice')).toMatchObject({ status: 'pass' });
    expect(readResult('bob')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^(\.git|package\.json) is a FIFO, a socket or a device, not a file: remove it$/) });
  });

  it('takes list files and explicit folders, grading a folder named twice once, and reporting missing ones', async () => {
    learners({ alice: 'pass', bob: 'pass' });
    const list = path.join(root, 'class.txt');
    fs.writeFileSync(list, '# spring class\nclass/alice\n\nclass/bob\nclass/nobody\n');
    const fake = fakeCheck(levels);
    await grade(fake, { paths: [list, path.join(classDir, 'alice')] });
    expect(fake.calls).toHaveLength(2);
    expect(readResult('nobody')).toMatchObject({ status: 'error', reason: expect.stringContaining('no folder class/nobody') });
    expect(readSummary().learners).toHaveLength(3);
  });

  it('gives learners with the same folder name separate result files', async () => {
    workspace(path.join(root, 'a', 'alice'), 'pass');
    workspace(path.join(root, 'b', 'alice'), 'fail-from 00');
    await grade(fakeCheck(levels), { paths: [path.join(root, 'a'), path.join(root, 'b')] });
    expect([readResult('alice').status, readResult('alice-2').status]).toEqual(['pass', 'fail']);
  });

  it('refuses to start without VM assets, naming the command that builds them', async () => {
    learners({ alice: 'pass' });
    await expect(grade(fakeCheck(levels), {}, 'none')).rejects.toThrow(/rubber-workshop setup/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses to mix with an earlier run\'s results unless resuming', async () => {
    learners({ alice: 'pass' });
    await grade(fakeCheck(levels));
    await expect(grade(fakeCheck(levels))).rejects.toThrow(/--resume/);
  });

  it('refuses an output folder another live grading run holds', async () => {
    learners({ alice: 'pass' });
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, '.grade.lock'), `${process.ppid} ${os.hostname()}\n`);
    await expect(grade(fakeCheck(levels))).rejects.toThrow(GradeError);
    await expect(grade(fakeCheck(levels))).rejects.toThrow(`another rubber-workshop grade (pid ${process.ppid}) is writing to`);
  });

  // A lock whose holder cannot be seen (another machine's, or this PID's: every container's grader is PID 1) is
  // judged by its time, renewed every 30 s: one not renewed for two minutes is taken over, one fresh waited for.
  const agedLock = (content: string, ageMs: number) => {
    fs.mkdirSync(out);
    const lock = path.join(out, '.grade.lock');
    fs.writeFileSync(lock, content);
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(lock, then, then);
    return lock;
  };

  it("waits for another machine's lock (a killed grading pod's) to go stale, then takes it over", async () => {
    learners({ alice: 'pass' });
    const lock = agedLock('1 rubber-workshop-grade-1-x7k2p 0b1c\n', 119_000);
    const started = Date.now();
    await grade(fakeCheck(levels));
    expect(Date.now() - started).toBeGreaterThan(900);
    expect(readResult('alice').status).toBe('pass');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it("refuses another machine's lock renewed while it waits: its grader lives", async () => {
    learners({ alice: 'pass' });
    const lock = agedLock('1 rubber-workshop-grade-1-x7k2p 0b1c\n', 119_000);
    setTimeout(() => fs.utimesSync(lock, new Date(), new Date()), 300);
    await expect(grade(fakeCheck(levels))).rejects.toThrow('another rubber-workshop grade (pid 1 on rubber-workshop-grade-1-x7k2p) is writing to');
  });

  it("takes the lock as soon as another machine's grader releases it (a pod replaced while it stops)", async () => {
    learners({ alice: 'pass' });
    const lock = agedLock('1 rubber-workshop-grade-1-x7k2p 0b1c\n', 0);
    setTimeout(() => fs.rmSync(lock), 500);
    const started = Date.now();
    await grade(fakeCheck(levels));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(readResult('alice').status).toBe('pass');
  });

  it('takes over a stale lock of its own PID on this machine: a container restarted as PID 1 left it', async () => {
    learners({ alice: 'pass' });
    agedLock(`${process.pid} ${os.hostname()} 0b1c\n`, 121_000);
    await grade(fakeCheck(levels));
    expect(readResult('alice').status).toBe('pass');
  });

  it('takes over a lock left by a run that is gone', async () => {
    learners({ alice: 'pass' });
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, '.grade.lock'), '999999999\n');
    await grade(fakeCheck(levels));
    expect(readResult('alice').status).toBe('pass');
    expect(fs.existsSync(path.join(out, '.grade.lock'))).toBe(false);
  });
});

describe('interrupt and --resume', () => {
  it('resumes where an interrupted run stopped, grading every submission exactly once', async () => {
    learners({ a: 'pass', b: 'pass', c: 'fail-from 01', d: 'hang', e: 'pass' });
    const controller = new AbortController();
    const first = fakeCheck(levels);
    const onEvent = (e: GradeEvent) => {
      if (e.type === 'graded' && e.done === 2) controller.abort();
    };
    const interrupted = await grade(first, { jobs: 1, signal: controller.signal, onEvent });
    expect(interrupted.interrupted).toBe(true);
    expect(readSummary().counts).toMatchObject({ pass: 2, pending: 3 });
    expect(fs.readdirSync(path.join(out, 'results')).sort()).toEqual(['a.json', 'b.json']);

    const second = fakeCheck(levels);
    const resumed = await grade(second, { jobs: 1, resume: true, timeoutMs: 50 });
    expect(resumed).toMatchObject({ interrupted: false, kept: 2, graded: 3 });
    const names = (f: ReturnType<typeof fakeCheck>) => f.calls.map((c) => path.basename(c.workspaceDir));
    expect([...names(first), ...names(second)].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(readSummary().counts).toEqual({ pass: 3, fail: 1, error: 1, pending: 0 });
  });

  it('grades again only submissions whose sources changed', async () => {
    learners({ alice: 'pass', bob: 'fail-from 01' });
    await grade(fakeCheck(levels));
    workspace(path.join(classDir, 'bob'), 'pass');
    const again = fakeCheck(levels);
    const events: GradeEvent[] = [];
    await grade(again, { resume: true, onEvent: (e) => events.push(e) });
    expect(again.calls.map((c) => path.basename(c.workspaceDir))).toEqual(['bob']);
    expect(events[0]).toMatchObject({ type: 'plan', kept: 1, toGrade: 1, regraded: { 'the sources changed': 1 } });
    expect(readResult('bob').status).toBe('pass');
  });

  it('grades everything again when the checkers or the VM assets changed', async () => {
    learners({ alice: 'pass', bob: 'pass' });
    await grade(fakeCheck(levels));
    fs.appendFileSync(path.join(checkers, '00.sh'), 'pass\n');
    const afterCheckers = fakeCheck(levels);
    const events: GradeEvent[] = [];
    await grade(afterCheckers, { resume: true, onEvent: (e) => events.push(e) });
    expect(afterCheckers.calls).toHaveLength(2);
    const afterAssets = fakeCheck(levels);
    await grade(afterAssets, { resume: true, onEvent: (e) => events.push(e) }, 'assets-2');
    expect(afterAssets.calls).toHaveLength(2);
    const reasons = events.filter((e) => e.type === 'plan').map((e) => e.type === 'plan' && e.regraded);
    expect(reasons).toEqual([{ 'the checkers changed': 2 }, { 'the VM changed': 2 }]);
  });

  it('with --retry-errors grades error results again, and only those', async () => {
    learners({ alice: 'pass', bob: 'throw' });
    await grade(fakeCheck(levels));
    const retry = fakeCheck(levels);
    await grade(retry, { resume: true, retryErrors: true });
    expect(retry.calls.map((c) => path.basename(c.workspaceDir))).toEqual(['bob']);
  });

  it('does not trust a torn result file', async () => {
    learners({ alice: 'pass' });
    await grade(fakeCheck(levels));
    fs.writeFileSync(path.join(out, 'results', 'alice.json'), '{"version": 1, "learner": "al');
    const again = fakeCheck(levels);
    await grade(again, { resume: true });
    expect(again.calls).toHaveLength(1);
    expect(readResult('alice').status).toBe('pass');
  });
});

describe('preflight', () => {
  it('stops the run before grading anyone when no VM can run, with the fix in the message', async () => {
    learners({ alice: 'pass' });
    const fake = fakeCheck(levels);
    const preflight = async () => {
      throw new Error('QEMU is not installed: run sudo apt-get install qemu-system-x86');
    };
    const run = runGrade(options(), { runCheck: fake.runCheck, assetsDigest: async () => 'a', levels, checkersDir: checkers, preflight });
    await expect(run).rejects.toThrow(new GradeError('QEMU is not installed: run sudo apt-get install qemu-system-x86'));
    expect(fake.calls).toHaveLength(0);
  });
});
