import fs from 'node:fs';
import path from 'node:path';
import { GradeError } from './errors.js';
import { MANIFEST_FILE, readManifest, type ShardManifest } from './manifest.js';
import { readResult, type GradeResult } from './result.js';
import { assignShards, shardName } from './shard.js';
import { classSummary, pendingRow, rowFromResult, type ClassRow, type ClassSummary } from './summary.js';

/** A shard's output folder as found: where it is, how to name it in messages, and its manifest. */
export interface ShardFolder {
  dir: string;
  shown: string;
  manifest: ShardManifest;
}

export interface Merged {
  summary: ClassSummary;
  results: GradeResult[];
  /** What keeps the merge from being the whole class graded one way; also in `summary.merged`. */
  problems: string[];
}

/**
 * The shard folders named by `paths`: each is a grading output folder (it holds shard.json), or a folder
 * holding such folders (the --out given to every shard); a shard's folder that is not there is left out (then
 * reported missing). Throws {@link GradeError} for anything else.
 */
export function findShardFolders(paths: readonly string[], cwd: string = process.cwd()): ShardFolder[] {
  return paths.flatMap((given) => {
    const dir = path.resolve(cwd, given);
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    // A shard's own folder, named but never made (its pod never ran): the merge reports that shard missing.
    if (!stat && /^shard-\d+-of-\d+$/.test(path.basename(dir))) return [];
    if (!stat?.isDirectory()) throw new GradeError(`${given}: no such folder`);
    if (fs.existsSync(path.join(dir, MANIFEST_FILE))) return [{ dir, shown: given, manifest: readManifest(dir, given) }];
    const inside = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, MANIFEST_FILE)))
      .map((d) => d.name)
      .sort();
    if (inside.length === 0) throw new GradeError(`${given}: neither a grading output folder (no ${MANIFEST_FILE}) nor a folder of them`);
    return inside.map((name) => {
      const shown = path.join(given, name);
      return { dir: path.join(dir, name), shown, manifest: readManifest(path.join(dir, name), shown) };
    });
  });
}

/**
 * Joins shard folders into one class summary, as if one machine had graded the class: learners are
 * matched by name, never by where their workspace was mounted. Missing shards, learners without a result
 * or with two, and shards graded by different tools, checkers or VMs are returned as problems. Shards
 * of different splits or levels cannot be joined: that throws {@link GradeError}.
 */
export function mergeShards(shards: readonly ShardFolder[], out: string, now: Date): Merged {
  const first = shards[0];
  if (!first) throw new GradeError('give at least one shard folder to merge');
  for (const s of shards) {
    const m = s.manifest;
    if (m.shards !== first.manifest.shards) {
      throw new GradeError(`${first.shown} is ${shardName(asShard(first.manifest))} but ${s.shown} is ${shardName(asShard(m))}: merge the shards of one split`);
    }
    if (m.level !== first.manifest.level) throw new GradeError(`${first.shown} was graded up to level ${first.manifest.level} but ${s.shown} up to ${m.level}: grade them at one --level`);
    const twin = shards.find((o) => o !== s && o.manifest.shard === m.shard && o.manifest.shards === m.shards);
    if (twin) throw new GradeError(`${twin.shown} and ${s.shown} are both ${shardName(asShard(m))}: give each shard once`);
  }
  const { shards: count, level, levels } = first.manifest;
  const problems: string[] = [];
  const byIndex = new Map(shards.map((s) => [s.manifest.shard, s]));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));

  // Every shard lists the whole class: if they disagree, the class changed between shards.
  const classOf = (s: ShardFolder) => new Set(s.manifest.learners);
  const everyone = [...new Set(shards.flatMap((s) => s.manifest.learners))].sort();
  for (const s of shards.slice(1)) {
    const [a, b] = [classOf(first), classOf(s)];
    if (a.size !== b.size || [...a].some((l) => !b.has(l))) {
      problems.push(`${first.shown} and ${s.shown} found different classes (${a.size} and ${b.size} learners): the workspaces changed between shards; grade every shard again`);
    }
  }

  // A learner's result comes from the shard its own manifest assigned it to.
  const graded = new Map<string, { shard: ShardFolder; result: GradeResult; file: string }[]>();
  for (const s of shards) {
    const owner = assignShards(s.manifest.learners, count);
    for (const learner of s.manifest.learners.filter((l) => owner.get(l) === s.manifest.shard)) {
      const file = path.join(s.dir, 'results', `${learner}.json`);
      const result = readResult(file);
      if (result?.learner === learner && result.level === level) graded.set(learner, [...(graded.get(learner) ?? []), { shard: s, result, file }]);
    }
  }

  const expectedOwner = assignShards(everyone, count);
  const rows: ClassRow[] = [];
  const used: { shard: ShardFolder; result: GradeResult }[] = [];
  const unfinished = new Map<string, string[]>();
  const notAlone = new Map<string, string[]>(); // results that a shard interrupted before grading them again alone
  for (const learner of everyone) {
    const [found, ...again] = graded.get(learner) ?? [];
    if (again.length > 0) problems.push(`${learner} was graded in ${[found!, ...again].map((g) => g.shard.shown).join(' and ')}: the result from ${found!.shard.shown} is used`);
    if (found) {
      rows.push(rowFromResult(found.result, path.relative(out, found.file)));
      used.push(found);
      if (found.result.to_grade_alone) notAlone.set(found.shard.shown, [...(notAlone.get(found.shard.shown) ?? []), learner]);
      continue;
    }
    const owner = expectedOwner.get(learner)!;
    const shard = byIndex.get(owner);
    const where = shardName({ index: owner, count });
    const reason = shard ? `not graded yet: ${where} did not finish (run it again with --resume, then merge again)` : `not graded: ${where} is missing`;
    if (shard) unfinished.set(shard.shown, [...(unfinished.get(shard.shown) ?? []), learner]);
    rows.push(pendingRow(learner, '', levels, reason));
  }

  for (const i of missing) {
    const lacking = everyone.filter((l) => expectedOwner.get(l) === i);
    problems.push(`${shardName({ index: i, count })} is missing: ${lacking.length} learner${lacking.length === 1 ? ' has' : 's have'} no result${listed(lacking)}`);
  }
  for (const [shown, learners] of unfinished) {
    problems.push(`${shown} did not finish: ${learners.length} learner${learners.length === 1 ? ' has' : 's have'} no result${listed(learners)}; run that shard again with --resume`);
  }
  for (const [shown, learners] of notAlone) {
    problems.push(`${shown} did not finish: ${learners.length} result${learners.length === 1 ? '' : 's'} that a time limit decided beside other checks ${learners.length === 1 ? 'was' : 'were'} not graded again alone${listed(learners)}; run that shard again with --resume`);
  }
  problems.push(...provenanceProblems(shards, used));

  const tool = { toolVersion: first.manifest.tool_version, checkersSha256: first.manifest.checkers_sha256, vmAssetsDigest: first.manifest.vm_assets_digest };
  const summary = { ...classSummary(rows, level, levels, tool, now), merged: { shards: shards.map((s) => s.shown), problems } };
  return { summary, results: used.map((u) => u.result), problems };
}

const FIELDS = [
  ['tool_version', 'rubber-workshop versions'],
  ['checkers_sha256', 'checkers'],
  ['vm_assets_digest', 'VM assets'],
] as const;

/** Shards (or results kept in them) graded by different tools, checkers or VMs cannot be compared fairly. */
function provenanceProblems(shards: readonly ShardFolder[], used: readonly { shard: ShardFolder; result: GradeResult }[]): string[] {
  return FIELDS.flatMap(([field, what]) => {
    const where = new Map<string, Set<string>>();
    const note = (value: string, shown: string) => where.set(value, (where.get(value) ?? new Set()).add(shown));
    for (const s of shards) note(s.manifest[field], s.shown);
    for (const { shard, result } of used) note(result.provenance[field], shard.shown);
    if (where.size < 2) return [];
    const values = [...where].map(([value, at]) => `${value.slice(0, 12)} in ${[...at].join(', ')}`);
    return [`graded with different ${what}: ${values.join('; ')}; grade the class again with one rubber-workshop and one \`setup\``];
  });
}

function listed(learners: readonly string[]): string {
  const shown = learners.slice(0, 8).join(', ');
  return learners.length === 0 ? '' : ` (${shown}${learners.length > 8 ? `, and ${learners.length - 8} more` : ''})`;
}

function asShard(m: ShardManifest) {
  return { index: m.shard, count: m.shards };
}
