import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReactElement } from 'react';
import { render as inkRender } from 'ink';
import type { CheckEvent, CheckResult, Outcome } from '../../../src/check/types.js';
import { loadLevels, type Level } from '../../../src/lessons.js';
import { writeChain } from '../lesson-files.js';
import { freshProgress, saveProgress, type Progress } from '../../../src/progress.js';
import type { RunCheck } from '../../../src/tui/use-check.js';

/** A three-level lessons folder and a workspace, in a temp dir. */
export interface Fixture {
  root: string;
  workspace: string;
  levels: Level[];
  cleanup(): void;
}

const LESSON = (id: string, title: string) => `# Level ${id}: ${title}

Make **rd** do the *${title}* thing with \`syscall_${id}()\`.

## What you learned

Level ${id} taught the ${title} lesson.
`;

export function makeFixture(progress: Progress = freshProgress()): Fixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-tui-'));
  const lessons = path.join(root, 'lessons');
  const titles = [['00', 'first'], ['01', 'second'], ['02', 'third']] as const;
  fs.mkdirSync(lessons);
  fs.writeFileSync(path.join(lessons, 'manifest.json'), JSON.stringify({ levels: titles.map(([id, title]) => ({ id, dir: `${id}-${title}`, title })) }));
  for (const [id, title] of titles) {
    const dir = path.join(lessons, `${id}-${title}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'lesson.md'), LESSON(id, title));
    fs.writeFileSync(path.join(dir, 'hints.md'), `Hint one for ${id}.\n---\nHint two for ${id}.\n`);
  }
  writeChain(lessons, titles.map(([id, title]) => ({
    dir: `${id}-${title}`,
    stub: `// stub ${id}\nmain();\n// TODO(${id}): do it\n`,
    solution: `// stub ${id}\nmain();\ndoIt${id}();\n`,
  })));
  const workspace = path.join(root, 'ws');
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(workspace, 'rd.ts'), '// stub 00\nmain();\n// TODO(00): do it\n');
  fs.writeFileSync(path.join(workspace, 'linux.ts'), '// toolkit\n');
  saveProgress(workspace, progress);
  return { root, workspace, levels: loadLevels(lessons), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export const result = (level: string, name: string, status: 'pass' | 'fail', extra: Partial<CheckResult> = {}): CheckResult => ({
  level, name, status, message: status === 'fail' ? `${name} went wrong` : '', ms: 300, ...extra,
});

export const outcomeOf = (level: string, results: CheckResult[], extra: Partial<Outcome> = {}): Outcome => ({
  verdict: results.some((r) => r.status === 'fail') ? 'fail' : 'pass', level, results, tail: [], ms: 2000, ...extra,
});

/** The events a real run of `outcome` would stream. */
export function eventsFor(outcome: Outcome): CheckEvent[] {
  return [
    { type: 'plan', checks: outcome.results.map(({ level, name }) => ({ level, name })) },
    { type: 'stage', stage: 'bundle' },
    { type: 'stage', stage: 'boot' },
    { type: 'stage', stage: 'checks' },
    ...outcome.results.flatMap((r): CheckEvent[] => [{ type: 'check-start', level: r.level, name: r.name }, { type: 'result', result: r }]),
    { type: 'done', outcome },
  ];
}

/**
 * A fake runner. Each call takes the next script; a script's events are released one `step()` at a time
 * (or all at once with `finish()`), so tests can look at the screen mid-run. Honors the abort signal the
 * way the real runner does: it ends with a cancelled outcome.
 */
export function scriptedRunner(scripts: Outcome[]) {
  const calls: { level: string; signal?: AbortSignal }[] = [];
  let permits = 0;
  let waiter: (() => void) | undefined;
  const wake = () => {
    if (!waiter || permits === 0) return;
    permits--;
    const w = waiter;
    waiter = undefined;
    w();
  };
  const wait = (signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      waiter = resolve;
      wake();
    });
  const runCheck: RunCheck = async function* ({ level, signal }) {
    calls.push({ level, signal });
    // An abort wakes the run, which then winds down as the real runner does.
    signal?.addEventListener('abort', () => {
      const w = waiter;
      waiter = undefined;
      w?.();
    }, { once: true });
    const outcome = scripts.shift() ?? outcomeOf(level, []);
    for (const event of eventsFor(outcome)) {
      await wait(signal);
      if (signal?.aborted) {
        const cancelled: Outcome = { ...outcomeOf(level, []), verdict: 'error', error: 'the check was cancelled' };
        yield { type: 'done', outcome: cancelled };
        return cancelled;
      }
      yield event;
    }
    return outcome;
  };
  return {
    runCheck,
    calls,
    /** Releases `n` more events. */
    step(n = 1) {
      permits += n;
      wake();
    },
    finish() {
      this.step(1000);
    },
  };
}

/** Lets pending promises, timers of 0 ms and Ink's re-render run. */
export const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

/** Waits until `predicate` holds (or fails after a generous bound, so a broken test does not hang). */
export async function until(predicate: () => boolean, what = 'condition', limitMs = 3000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 10) {
    if (predicate()) return;
    await tick(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The screen as plain text lines, trailing spaces removed. */
export function screen(frame: string | undefined): string {
  return (frame ?? '').split('\n').map((l) => l.trimEnd()).join('\n');
}

/**
 * Like ink-testing-library's render, but on a terminal of the given size (its stdout is always 100
 * columns and has no rows).
 */
export function renderSized(tree: ReactElement, columns: number, rows: number) {
  const stdout = Object.assign(new EventEmitter(), {
    columns,
    rows,
    frames: [] as string[],
    write(frame: string) {
      stdout.frames.push(frame);
      return true;
    },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    data: null as string | null,
    write(data: string) {
      stdin.data = data;
      stdin.emit('readable');
    },
    read() {
      const { data } = stdin;
      stdin.data = null;
      return data;
    },
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
  });
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { ...instance, stdin, stdout, lastFrame: () => stdout.frames.at(-1) };
}
