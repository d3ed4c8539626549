import fs from 'node:fs';
import path from 'node:path';
import type { ToolProvenance } from '../check/provenance.js';
import { writeFileAtomic } from '../atomic.js';
import * as v from 'valibot';
import { GradeError } from './errors.js';
import { parseJson, type Schema } from '../json-file.js';
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

const shardNumber = v.pipe(v.number(), v.integer('expected a whole number'), v.minValue(1, 'expected a whole number of at least 1'));

export const ShardManifestFile: Schema<ShardManifest> = v.pipe(
  v.object({
    version: v.literal(1),
    shard: shardNumber,
    shards: shardNumber,
    level: v.string(),
    levels: v.array(v.string()),
    tool_version: v.string(),
    checkers_sha256: v.string(),
    vm_assets_digest: v.string(),
    learners_total: v.pipe(v.number(), v.integer()),
    learners: v.array(v.string()),
  }),
  v.check((m) => m.shard <= m.shards, 'shard: expected at most shards'),
);

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

/** Reads a shard folder's manifest; throws a GradeError or FileFormatError saying what is wrong with the folder. */
export function readManifest(dir: string, shown: string = dir): ShardManifest {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GradeError(`${shown}: no ${MANIFEST_FILE} in it, so it is not the output folder of a grading run`);
    throw new GradeError(`${shown}: cannot read ${MANIFEST_FILE} (${code})`);
  }
  return parseJson(text, ShardManifestFile, path.join(shown, MANIFEST_FILE));
}
