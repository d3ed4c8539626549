import fs from 'node:fs';
import path from 'node:path';
import type { ToolProvenance } from '../check/provenance.js';
import { writeFileAtomic } from '../atomic.js';
import { GradeError } from './errors.js';
import { byCodeUnits, type Shard } from './shard.js';

/**
 * `<out>/shard.json`: what a grading run set out to grade, written before it grades anyone, so a merge
 * can tell a missing or unfinished shard from a finished one and name the learners it lacks.
 */
export interface ShardManifest {
  version: 1;
  /** Shard `shard` of `shards`, counted from 1; 1 of 1 for a run that graded the whole class. */
  shard: number;
  shards: number;
  level: string;
  levels: string[];
  tool_version: string;
  checkers_sha256: string;
  vm_assets_digest: string;
  /** How many learners the whole class has, and their names (result file names), sorted. */
  learners_total: number;
  learners: string[];
}

export const MANIFEST_FILE = 'shard.json';

export function shardManifest(shard: Shard, level: string, levels: string[], tool: ToolProvenance, learners: readonly string[]): ShardManifest {
  const sorted = [...learners].sort(byCodeUnits);
  return {
    version: 1,
    shard: shard.index,
    shards: shard.count,
    level,
    levels,
    tool_version: tool.toolVersion,
    checkers_sha256: tool.checkersSha256,
    vm_assets_digest: tool.vmAssetsDigest,
    learners_total: sorted.length,
    learners: sorted,
  };
}

export function writeManifest(out: string, manifest: ShardManifest): void {
  writeFileAtomic(path.join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads a shard folder's manifest; throws {@link GradeError} saying what is wrong with the folder. */
export function readManifest(dir: string, shown: string = dir): ShardManifest {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GradeError(`${shown}: no ${MANIFEST_FILE} in it, so it is not the output folder of a grading run`);
    throw new GradeError(`${shown}: cannot read ${MANIFEST_FILE} (${code})`);
  }
  let m: Partial<ShardManifest> | null;
  try {
    m = JSON.parse(text) as Partial<ShardManifest> | null;
  } catch {
    m = null;
  }
  const ok =
    m !== null &&
    typeof m === 'object' &&
    m.version === 1 &&
    Number.isInteger(m.shard) &&
    Number.isInteger(m.shards) &&
    m.shard! >= 1 &&
    m.shard! <= m.shards! &&
    typeof m.level === 'string' &&
    Array.isArray(m.levels) &&
    typeof m.tool_version === 'string' &&
    typeof m.checkers_sha256 === 'string' &&
    typeof m.vm_assets_digest === 'string' &&
    Array.isArray(m.learners) &&
    m.learners.every((l) => typeof l === 'string');
  if (!ok) throw new GradeError(`${shown}: ${MANIFEST_FILE} is damaged or from another version; grade that shard again`);
  return m as ShardManifest;
}
