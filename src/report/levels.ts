import type { CheckResult } from '../check/types.js';
import { loadLevels } from '../lessons.js';

/** Level titles by id, from the lessons manifest. */
export type LevelTitles = Record<string, string>;

/** Titles only decorate reports, so a manifest that cannot be read gives none rather than an error. */
export function levelTitles(): LevelTitles {
  try {
    return Object.fromEntries(loadLevels().map((l) => [l.id, l.title]));
  } catch {
    return {};
  }
}

/** "level 03: pivot_root", or "level 03" without a title. */
export function levelLabel(id: string, titles: LevelTitles): string {
  const title = titles[id];
  return title ? `level ${id}: ${title}` : `level ${id}`;
}

/** Results grouped by level, levels in ascending order, checks in the order they ran. */
export function groupByLevel(results: readonly CheckResult[]): [string, CheckResult[]][] {
  const groups = new Map<string, CheckResult[]>();
  for (const r of results) {
    const group = groups.get(r.level);
    if (group) group.push(r);
    else groups.set(r.level, [r]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
