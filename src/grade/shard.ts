import crypto from 'node:crypto';
import { UsageError } from '../errors.js';

/** One share of a class graded on its own machine: shard `index` of `count`, counted from 1. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Reads `--shard I/N`, or `--shard N` with I from JOB_COMPLETION_INDEX, which a Kubernetes Indexed Job
 * sets counting from 0 (so index 0 is shard 1).
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const m = /^(?:(\d+)\/)?(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--shard takes I/N (shard I of N, e.g. 1/4) or N (I from JOB_COMPLETION_INDEX), not "${text}"`);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`--shard ${text}: there must be at least 1 shard`);
  if (m[1] !== undefined) {
    const index = Number(m[1]);
    if (index < 1 || index > count) throw new UsageError(`--shard ${text}: I must be between 1 and ${count}`);
    return { index, count };
  }
  const fromJob = env.JOB_COMPLETION_INDEX;
  if (fromJob === undefined || fromJob === '') {
    throw new UsageError(`--shard ${text} takes the shard from JOB_COMPLETION_INDEX, which is not set: give --shard I/${count} instead`);
  }
  if (!/^\d+$/.test(fromJob) || Number(fromJob) >= count) {
    throw new UsageError(`JOB_COMPLETION_INDEX is "${fromJob}", but --shard ${count} needs 0 to ${count - 1}: is the Job's completions ${count}?`);
  }
  return { index: Number(fromJob) + 1, count };
}

/**
 * Which shard grades each learner. Learners are ordered by a hash of their name and dealt out in turn,
 * so shards differ in size by at most one, and the split depends only on the set of names: not on the
 * order workspaces were listed in, nor on where they are mounted. `learners` must be unique.
 */
export function assignShards(learners: readonly string[], count: number): Map<string, number> {
  const byHash = learners.map((learner) => ({ learner, hash: crypto.createHash('sha256').update(learner).digest('hex') }));
  byHash.sort((a, b) => byCodeUnits(a.hash, b.hash));
  return new Map(byHash.map(({ learner }, rank) => [learner, (rank % count) + 1]));
}

/** The folder a shard's results go to, inside --out. */
export function shardFolder(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}`;
}

export function shardName(shard: Shard): string {
  return `shard ${shard.index}/${shard.count}`;
}

/** Plain code-unit order: the same on every machine, whatever its locale. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
