import { UsageError } from '../errors.js';

/** A level as typed on a command line (4, 04) as its id, or a UsageError naming the levels there are. */
export function levelId(text: string, ids: readonly string[]): string {
  const id = /^\d{1,2}$/.test(text) ? text.padStart(2, '0') : text;
  if (!ids.includes(id)) throw new UsageError(`there is no level "${text}": levels are ${ids[0]}–${ids.at(-1)}`);
  return id;
}
