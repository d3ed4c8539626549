/** The events of several VM runs as they come, each with its run's index; returns how each run ended. */
export async function* mergeRuns<T, R>(runs: AsyncGenerator<T, R>[]): AsyncGenerator<[number, T], R[]> {
  const ends: R[] = [];
  const pending = new Map<number, Promise<[number, IteratorResult<T, R>]>>();
  const pull = (i: number) => pending.set(i, runs[i]!.next().then((r): [number, IteratorResult<T, R>] => [i, r]));
  runs.forEach((_, i) => pull(i));
  try {
    while (pending.size) {
      const [i, r] = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        ends[i] = r.value;
      } else {
        pull(i);
        yield [i, r.value];
      }
    }
  } finally {
    // Left early: each unfinished run is closed once its pending step settles, so that its own clean-up runs.
    for (const i of pending.keys()) runs[i]!.return(undefined as never).catch(() => {});
  }
  return ends;
}
