import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { ClassSummary } from '../../src/grade/summary.js';
import { wrongSource } from '../../src/lessons.js';
import { level, repo, rw, rwSpawn } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-shards-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The class under `mount`: a solved learner, one with a known mistake, and one who only has the stub. */
function classAt(mount: string): string {
  const level00 = level('00');
  const runtimes = {
    solved: level00.solution(),
    'no-signal-report': wrongSource(level00.wrong.find((w) => w.name === 'no-signal-report')!),
    stub: level00.stub(),
  };
  const dir = path.join(root, mount, 'class');
  for (const [name, rd] of Object.entries(runtimes)) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'rd.ts'), rd);
    fs.copyFileSync(path.join(repo, 'src/linux/index.ts'), path.join(dir, name, 'linux.ts'));
  }
  return dir;
}

/** Runs the CLI in the background and resolves with its exit status and stderr. */
function spawned(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  const child = rwSpawn(args, env);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

const summaryOf = (dir: string): ClassSummary => JSON.parse(fs.readFileSync(path.join(dir, 'class.json'), 'utf8'));
const graded = (s: ClassSummary) => s.learners.map(({ learner, status, scores, total, reason, sources_sha256 }) => ({ learner, status, scores, total, reason, sources_sha256 }));

describe('grading a class in shards on real VMs', () => {
  test('two shards, run at once from two mounts of the class, merge into what one run grades', async () => {
    const whole = rw(['grade', classAt('one'), '--level', '00', '--jobs', '2', '--out', path.join(root, 'whole')]);
    expect(whole.status, whole.stderr).toBe(0);

    // Shard 1 as `--shard 1/2`; shard 2 as an Indexed Job's pod would run it: `--shard 2`, index 1.
    const shards = path.join(root, 'shards');
    const [first, second] = await Promise.all([
      spawned(['grade', classAt('node-a'), '--level', '00', '--jobs', '1', '--shard', '1/2', '--out', shards]),
      spawned(['grade', classAt('node-b'), '--level', '00', '--jobs', '1', '--shard', '2', '--out', shards], { JOB_COMPLETION_INDEX: '1' }),
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(first.stderr).toMatch(/of shard 1\/2 \([12] of the class's 3\)/);
    expect(second.stderr).toMatch(/of shard 2\/2 \([12] of the class's 3\)/);

    const merge = rw(['grade', 'merge', shards, '--out', path.join(root, 'merged')]);
    expect(merge.stderr).toContain('Merged 2 shards of 2: 3 learners, 1 pass, 2 fail, 0 error.');
    expect(merge.status).toBe(0);
    const [one, merged] = [summaryOf(path.join(root, 'whole')), summaryOf(path.join(root, 'merged'))];
    expect(graded(merged)).toEqual(graded(one));
    expect(graded(one).map((l) => [l.learner, l.status, l.scores['00']])).toEqual([
      ['no-signal-report', 'fail', 0.8889],
      ['solved', 'pass', 1],
      ['stub', 'fail', 0],
    ]);
    expect([merged.vm_assets_digest, merged.checkers_sha256]).toEqual([one.vm_assets_digest, one.checkers_sha256]);
    expect(fs.readFileSync(path.join(root, 'merged', 'class.html'), 'utf8')).toContain('<code>00/signal</code>');
  });
});
