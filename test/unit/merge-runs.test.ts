import { expect, test } from 'vitest';
import { mergeRuns } from '../../src/check/merge-runs.js';

/** A run that yields `events` one per tick, then ends with `end`; `closed` is set when its finally runs. */
function run(events: string[], end: string, closed: Record<string, boolean>) {
  return (async function* () {
    try {
      for (const e of events) {
        await new Promise((r) => setTimeout(r, 1));
        yield e;
      }
      return end;
    } finally {
      closed[end] = true;
    }
  })();
}

test('merges the events of several runs, each with its index, and returns how each ended', async () => {
  const closed: Record<string, boolean> = {};
  const merged = mergeRuns([run(['a1', 'a2'], 'a', closed), run(['b1'], 'b', closed)]);
  const seen: [number, string][] = [];
  let next = await merged.next();
  while (!next.done) {
    seen.push(next.value);
    next = await merged.next();
  }
  expect(seen.filter(([i]) => i === 0).map(([, e]) => e)).toEqual(['a1', 'a2']);
  expect(seen.filter(([i]) => i === 1).map(([, e]) => e)).toEqual(['b1']);
  expect(next.value).toEqual(['a', 'b']);
  expect(closed).toEqual({ a: true, b: true });
});

test('left early, it closes every run still going, so that their own clean-up (timers, QEMU, files) runs', async () => {
  const closed: Record<string, boolean> = {};
  const merged = mergeRuns([run(['a1', 'a2', 'a3'], 'a', closed), run(['b1', 'b2', 'b3'], 'b', closed)]);
  expect((await merged.next()).done).toBe(false);
  await merged.return([]);
  // Each run had a step pending: it is closed once that step settles.
  await new Promise((r) => setTimeout(r, 20));
  expect(closed).toEqual({ a: true, b: true });
});
