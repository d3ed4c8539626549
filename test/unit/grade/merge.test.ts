import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gradeCommand } from '../../../src/grade/command.js';
import { runGrade, type GradeOptions } from '../../../src/grade/grade.js';
import { assignShards } from '../../../src/grade/shard.js';
import type { ClassRow, ClassSummary } from '../../../src/grade/summary.js';
import { fakeCheck, fakeCheckers } from './fake-check.js';

const levels = ['00', '01', '02'];
const CLASS = { alice: 'pass', bob: 'fail-from 01', carol: 'build-error', dave: 'crash-after 02', erin: 'fail-from 00', frank: 'pass', gina: 'fail-from 02' };
let root: string;
let checkers: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-merge-'));
  checkers = path.join(root, 'checkers');
  fakeCheckers(checkers, levels);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** The class as workspaces under `mount` (each shard's machine may mount it somewhere else). */
function classAt(mount: string, spec: Record<string, string> = CLASS): string {
  const dir = path.join(root, mount, 'class');
  for (const [name, line] of Object.entries(spec)) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'rd.ts'), `${line}\n`);
  }
  return dir;
}

function grade(paths: string[], out: string, extra: Partial<GradeOptions> = {}, assets = 'assets-1') {
  const opts: GradeOptions = { paths, out, jobs: 2, level: '02', timeoutMs: 60_000, resume: false, retryErrors: false, ...extra };
  return runGrade(opts, { runCheck: fakeCheck(levels).runCheck, assetsDigest: async () => assets, levels, checkersDir: checkers });
}

/** Grades shard I/N the way `grade --shard I/N --out out` does. */
const shard = (paths: string[], out: string, index: number, count: number, assets?: string) =>
  grade(paths, path.join(out, `shard-${index}-of-${count}`), { shard: { index, count } }, assets);

function merge(...argv: string[]) {
  const err: string[] = [];
  const stream = (into: string[]) => ({ isTTY: false, write: (s: string) => into.push(s) > 0 }) as unknown as NodeJS.WriteStream;
  const code = gradeCommand(['merge', ...argv], new AbortController().signal, { runCheck: fakeCheck(levels).runCheck, assetsDigest: async () => 'a', levels }, { stdout: stream([]), stderr: stream(err), cwd: root });
  return code.then((c) => ({ code: c, err: err.join('') }));
}

const readSummary = (out: string): ClassSummary => JSON.parse(fs.readFileSync(path.join(root, out, 'class.json'), 'utf8'));
/** What a row says about the learner, leaving out where the workspace was mounted and how long it took. */
const graded = (rows: ClassRow[]) => rows.map(({ learner, status, scores, total, max, reason, sources_sha256 }) => ({ learner, status, scores, total, max, reason, sources_sha256 }));

describe('grade --shard and grade merge', () => {
  it('shards graded on machines that mount the class in different places merge into the one-machine summary', async () => {
    await grade([classAt('one')], path.join(root, 'whole'));
    const shardsOut = path.join(root, 'shards');
    const calls: string[][] = [];
    for (const i of [1, 2, 3]) {
      const run = await shard([classAt(`machine-${i}`)], shardsOut, i, 3);
      calls.push(run.summary.learners.map((l) => l.learner));
    }
    // Disjoint and covering: every learner graded by exactly one shard.
    expect(calls.flat().sort()).toEqual(Object.keys(CLASS).sort());
    expect(calls.every((c) => c.length >= 2)).toBe(true);

    const m = await merge('shards', '--out', 'merged');
    expect(m.err).toContain('Merged 3 shards of 3: 7 learners, 2 pass, 3 fail, 2 error.');
    expect(m.code).toBe(0);
    const [one, merged] = [readSummary('whole'), readSummary('merged')];
    expect(graded(merged.learners)).toEqual(graded(one.learners));
    expect(merged.counts).toEqual(one.counts);
    expect([merged.level, merged.levels, merged.checkers_sha256, merged.vm_assets_digest]).toEqual([one.level, one.levels, one.checkers_sha256, one.vm_assets_digest]);
    expect(merged.merged).toEqual({ shards: ['shards/shard-1-of-3', 'shards/shard-2-of-3', 'shards/shard-3-of-3'], problems: [] });
    // Rows point at the shard's result files, from the merge's folder.
    const bob = merged.learners.find((l) => l.learner === 'bob')!;
    expect(JSON.parse(fs.readFileSync(path.join(root, 'merged', bob.result_file!), 'utf8')).learner).toBe('bob');
    expect(fs.readFileSync(path.join(root, 'merged', 'class.html'), 'utf8')).toContain('id="learner-bob"');
    expect(fs.readFileSync(path.join(root, 'merged', 'class.csv'), 'utf8').split('\r\n')).toHaveLength(9);
  });

  it('reports a missing shard and lists its learners as not graded, exiting 1', async () => {
    const dir = classAt('m');
    await shard([dir], path.join(root, 'shards'), 1, 2);
    // Named as the merge Job names every shard: the second one's pod never ran, so its folder is not there.
    const m = await merge('shards/shard-1-of-2', 'shards/shard-2-of-2', '--out', 'merged');
    expect(m.code).toBe(1);
    const owner = assignShards(Object.keys(CLASS), 2);
    const lacking = Object.keys(CLASS).filter((l) => owner.get(l) === 2).sort();
    expect(m.err).toContain(`Problem: shard 2/2 is missing: ${lacking.length} learners have no result (${lacking.join(', ')})`);
    const summary = readSummary('merged');
    expect(summary.counts.pending).toBe(lacking.length);
    expect(summary.learners.filter((l) => l.status === 'pending').map((l) => [l.learner, l.reason])).toEqual(lacking.map((l) => [l, 'not graded: shard 2/2 is missing']));
    expect(fs.readFileSync(path.join(root, 'merged', 'class.html'), 'utf8')).toContain('shard 2/2 is missing');
  });

  it('reports learners graded twice or not at all when the class changed between shards', async () => {
    const before = Object.keys(CLASS);
    const after = [...before, 'hugo'];
    await shard([classAt('before')], path.join(root, 'shards'), 1, 2);
    await shard([classAt('after', { ...CLASS, hugo: 'pass' })], path.join(root, 'shards'), 2, 2);
    const [was, now] = [assignShards(before, 2), assignShards(after, 2)];
    const twice = before.filter((l) => was.get(l) === 1 && now.get(l) === 2);
    const never = after.filter((l) => was.get(l) !== 1 && now.get(l) !== 2);
    expect(twice.length + never.length).toBeGreaterThan(0); // the new learner moves others across shards

    const m = await merge('shards', '--out', 'merged');
    expect(m.code).toBe(1);
    expect(m.err).toContain('found different classes (7 and 8 learners)');
    for (const l of twice) expect(m.err).toContain(`Problem: ${l} was graded in shards/shard-1-of-2 and shards/shard-2-of-2`);
    const summary = readSummary('merged');
    expect(summary.learners.map((l) => l.learner)).toEqual(after.sort());
    expect(summary.learners.filter((l) => l.status === 'pending').map((l) => l.learner)).toEqual(never.sort());
  });

  it('reports shards graded with different VM assets', async () => {
    const dir = classAt('m');
    await shard([dir], path.join(root, 'shards'), 1, 2, 'assets-1');
    await shard([dir], path.join(root, 'shards'), 2, 2, 'assets-2');
    const m = await merge('shards', '--out', 'merged');
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/Problem: graded with different VM assets: assets-1 in shards\/shard-1-of-2; assets-2 in shards\/shard-2-of-2/);
    expect(readSummary('merged').merged?.problems).toHaveLength(1);
  });

  it('reports a shard that did not finish, pointing at --resume', async () => {
    const dir = classAt('m');
    await shard([dir], path.join(root, 'shards'), 1, 2);
    await shard([dir], path.join(root, 'shards'), 2, 2);
    const gone = readSummary('shards/shard-2-of-2').learners[0]!.learner;
    fs.rmSync(path.join(root, 'shards/shard-2-of-2/results', `${gone}.json`));
    const m = await merge('shards', '--out', 'merged');
    expect(m.code).toBe(1);
    expect(m.err).toContain(`Problem: shards/shard-2-of-2 did not finish: 1 learner has no result (${gone}); run that shard again with --resume`);
  });

  it('reports a shard interrupted before it graded alone what ran out of time beside others', async () => {
    const dir = classAt('m');
    await shard([dir], path.join(root, 'shards'), 1, 2);
    await shard([dir], path.join(root, 'shards'), 2, 2);
    const marked = readSummary('shards/shard-1-of-2').learners[0]!.learner;
    const file = path.join(root, 'shards/shard-1-of-2/results', `${marked}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), to_grade_alone: true }));
    const m = await merge('shards', '--out', 'merged');
    expect(m.code).toBe(1);
    expect(m.err).toContain(`Problem: shards/shard-1-of-2 did not finish: 1 result that a time limit decided beside other checks was not graded again alone (${marked}); run that shard again with --resume`);
  });

  it.each([
    ['shards of different splits', async () => {
      await shard([classAt('m')], path.join(root, 'shards'), 1, 2);
      await shard([classAt('m')], path.join(root, 'shards'), 1, 3);
    }, 'is shard 1/2 but shards/shard-1-of-3 is shard 1/3: merge the shards of one split'],
    ['the same shard twice', async () => {
      await shard([classAt('m')], path.join(root, 'shards'), 1, 2);
      fs.cpSync(path.join(root, 'shards/shard-1-of-2'), path.join(root, 'shards/copy'), { recursive: true });
    }, 'are both shard 1/2: give each shard once'],
    ['shards graded at different levels', async () => {
      await shard([classAt('m')], path.join(root, 'shards'), 1, 2);
      await grade([classAt('m')], path.join(root, 'shards/shard-2-of-2'), { shard: { index: 2, count: 2 }, level: '01' });
    }, 'up to level 02 but shards/shard-2-of-2 up to 01'],
  ])('refuses to merge %s, exiting 2', async (_, make, message) => {
    await make();
    const m = await merge('shards', '--out', 'merged');
    expect(m.code).toBe(2);
    expect(m.err).toContain(message);
    expect(m.err).not.toContain('    at ');
    expect(fs.existsSync(path.join(root, 'merged'))).toBe(false);
  });

  it.each([
    [['nowhere'], 'rubber-workshop: nowhere: no such folder\n'],
    [['checkers'], 'rubber-workshop: checkers: neither a grading output folder (no shard.json) nor a folder of them\n'],
    [[], 'rubber-workshop grade merge: give the shard folders to merge (or the folder holding them)\nUsage: rubber-workshop grade merge SHARD_OUT… [--out DIR]\nSee `rubber-workshop grade merge --help`.\n'],
    [['x', '--bogus'], 'rubber-workshop grade merge: unknown option --bogus\nUsage: rubber-workshop grade merge SHARD_OUT… [--out DIR]\nSee `rubber-workshop grade merge --help`.\n'],
  ])('says what is wrong with %j in a line (and the usage), exiting 2', async (argv, message) => {
    const m = await merge(...argv);
    expect(m).toEqual({ code: 2, err: message });
  });

  it('will not write over a grading run\'s own folder', async () => {
    await shard([classAt('m')], path.join(root, 'shards'), 1, 1);
    const m = await merge('shards', '--out', 'shards/shard-1-of-1');
    expect(m.code).toBe(2);
    expect(m.err).toContain('holds a grading run\'s own results: choose another --out');
  });

  it('a retried shard grades nobody twice (--resume)', async () => {
    const dir = classAt('m');
    await shard([dir], path.join(root, 'shards'), 2, 2);
    const fake = fakeCheck(levels);
    const out = path.join(root, 'shards', 'shard-2-of-2');
    const again = await runGrade(
      { paths: [dir], out, jobs: 2, level: '02', timeoutMs: 60_000, resume: true, retryErrors: false, shard: { index: 2, count: 2 } },
      { runCheck: fake.runCheck, assetsDigest: async () => 'assets-1', levels, checkersDir: checkers },
    );
    expect(fake.calls).toHaveLength(0);
    expect(again.kept).toBe(again.summary.learners.length);
  });
});
