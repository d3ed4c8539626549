import path from 'node:path';
import { clock, oneLine } from '../report/text.js';
import { paint, useColour, type Colour } from '../ui/term.js';
import type { GradeEvent } from './grade.js';
import type { GradeResult } from './result.js';

export interface GradeProgress {
  onEvent: (event: GradeEvent) => void;
  /** Removes the live line; call when the run ends, however it ends. */
  close: () => void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** A live status line rewritten in place; by default when `stream` is a terminal. */
  live?: boolean;
  /** By default when `stream` is a terminal and NO_COLOR is unset. */
  colour?: boolean;
  cwd?: string;
}

const STATUS_COLOUR: Record<GradeResult['status'], Colour> = { pass: 'green', fail: 'red', error: 'yellow' };

/**
 * Shows a grading run: one line per graded learner (status, score, time, reason), then a closing line.
 * On a terminal a live line below them says who is being graded and at which stage; without one (CI,
 * a log file) only the plain lines are written.
 */
export function gradeProgress(opts: ProgressOptions = {}): GradeProgress {
  const stream = opts.stream ?? process.stderr;
  const live = opts.live ?? Boolean(stream.isTTY);
  const colour = opts.colour ?? useColour(stream);
  const cwd = opts.cwd ?? process.cwd();
  const paintIf = (c: Colour, text: string) => paint(c, text, colour);
  const running = new Map<string, { what: string; since: number }>();
  let started = Date.now();
  let toGrade = 0;
  let done = 0;
  let nameWidth = 12;
  let shown = false;
  let ticker: NodeJS.Timeout | undefined;

  const clearLive = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  const drawLive = () => {
    if (!live || running.size === 0) return clearLive();
    const now = Date.now();
    const who = [...running].map(([learner, r]) => `${learner} ${r.what} ${clock(now - r.since)}`).join(' · ');
    const eta = done > 0 ? ` · ~${clock(((now - started) / done) * (toGrade - done))} left` : '';
    const line = `${done}/${toGrade} graded · ${who}${eta}`.slice(0, (stream.columns || 80) - 1);
    stream.write(`\r\x1b[2K${paintIf('blue', line)}`);
    shown = true;
  };
  const print = (line: string) => {
    clearLive();
    stream.write(`${line}\n`);
    drawLive();
  };

  const onEvent = (event: GradeEvent) => {
    switch (event.type) {
      case 'plan': {
        started = Date.now();
        toGrade = event.toGrade;
        const out = path.relative(cwd, event.out) || '.';
        if (event.shard && event.submissions === 0) {
          print(`Nothing to grade: shard ${event.shard.index}/${event.shard.count} is empty, the class's ${event.classSize} workspaces all went to the other shards.`);
          break;
        }
        if (event.toGrade === 0) {
          print(`Nothing to grade: the results of all ${event.submissions} workspaces in ${out}/ are up to date.`);
          break;
        }
        const kept = event.kept ? `; ${event.kept} kept from the last run` : '';
        const again = Object.entries(event.regraded).map(([why, n]) => `${n} because ${why}`);
        const regraded = again.length ? `; graded again: ${again.join(', ')}` : '';
        const jobs = Math.min(event.jobs, event.toGrade);
        const share = event.shard ? ` of shard ${event.shard.index}/${event.shard.count} (${event.submissions} of the class's ${event.classSize})` : '';
        print(`Grading ${event.toGrade} workspace${event.toGrade === 1 ? '' : 's'}${share} up to level ${event.level}, ${jobs} at a time${kept}${regraded}. Results go to ${out}/.`);
        if (live) ticker = setInterval(drawLive, 1000).unref();
        break;
      }
      case 'start':
        nameWidth = Math.max(nameWidth, Math.min(event.learner.length, 24));
        running.set(event.learner, { what: 'starting', since: Date.now() });
        drawLive();
        break;
      case 'progress': {
        const r = running.get(event.learner);
        if (r) r.what = event.what;
        drawLive();
        break;
      }
      case 'graded': {
        done = event.done;
        running.delete(event.result.learner);
        print(resultLine(event.result, event.again ? 'again' : event.done, event.toGrade, nameWidth, live ? stream.columns || 80 : undefined, paintIf));
        break;
      }
      case 'regrade': {
        const who = event.learners.length === 1 ? event.learners[0] : `these ${event.learners.length}`;
        print(`A time limit decided ${event.learners.length === 1 ? 'one result' : `${event.learners.length} results`} while ${event.jobs} ran at once, when a busy machine can slow a correct runtime past it: grading ${who} again, one at a time. A new result replaces the first; a check that runs out of time again confirms it.`);
        break;
      }
      case 'end': {
        running.clear();
        const { counts } = event.summary;
        const files = event.files.map((f) => path.relative(cwd, f)).join(', ');
        const tally = `${paintIf('green', `${counts.pass} pass`)}, ${paintIf('red', `${counts.fail} fail`)}, ${paintIf('yellow', `${counts.error} error`)}`;
        const rate = done > 0 ? ` (${((done / event.ms) * 60_000).toFixed(1)} per minute)` : '';
        if (done > 0) print(`Graded ${done} in ${clock(event.ms)}${rate}: ${tally}.`);
        if (event.interrupted) print(`Interrupted: ${counts.pending} not graded yet. Run the same command with --resume to finish.`);
        print(`Class summary: ${files}`);
        break;
      }
    }
  };

  return {
    onEvent,
    close: () => {
      if (ticker) clearInterval(ticker);
      running.clear();
      clearLive();
    },
  };
}

/** One learner's line; on a terminal the reason is cut to fit its width (the result file has it whole). */
function resultLine(r: GradeResult, n: number | 'again', of: number, width: number, columns: number | undefined, paintIf: (c: Colour, t: string) => string): string {
  const counter = n === 'again' ? `[${'again'.padStart(String(of).length * 2 + 1)}]` : `[${String(n).padStart(String(of).length)}/${of}]`;
  const name = r.learner.length > width ? `${r.learner.slice(0, width - 1)}…` : r.learner.padEnd(width);
  const score = `${formatScore(r.total)}/${r.max}`.padStart(String(r.max).length * 2 + 4);
  const time = clock(r.time_ms).padStart(5);
  const visible = `${counter} ${name} ${r.status.padEnd(5)} ${score}  ${time}`;
  const room = columns ? Math.max(20, columns - visible.length - 3) : 100;
  const reason = r.reason ? `  ${truncate(oneLine(r.reason), room)}` : '';
  return `${counter} ${name} ${paintIf(STATUS_COLOUR[r.status], r.status.padEnd(5))} ${score}  ${time}${reason}`;
}

function formatScore(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
