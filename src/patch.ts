/** Unified diffs, as `diff -u` writes them: made from two texts, and applied to a text. */

const CONTEXT = 3;

interface Hunk {
  /** 0-based line of the old text where the hunk starts. */
  start: number;
  header: string;
  /** The hunk's lines, each with its mark: ' ' context, '-' removed, '+' added. */
  lines: string[];
}

function parseHunks(patch: string): Hunk[] {
  const diff = patch.split('\n');
  let i = diff.findIndex((l) => l.startsWith('@@ '));
  if (i < 0) throw new Error('the patch has no hunks');
  const hunks: Hunk[] = [];
  while (i < diff.length && diff[i].startsWith('@@ ')) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(diff[i]);
    if (!m) throw new Error(`bad hunk header: ${diff[i]}`);
    const hunk: Hunk = { start: m[2] === '0' ? Number(m[1]) : Number(m[1]) - 1, header: diff[i], lines: [] };
    for (i++; i < diff.length && !diff[i].startsWith('@@ '); i++) {
      const mark = diff[i][0];
      if (mark === '+' || mark === '-' || mark === ' ') hunk.lines.push(diff[i]);
      else if (diff[i] !== '' && mark !== '\\') throw new Error(`bad patch line: ${diff[i]}`);
    }
    hunks.push(hunk);
  }
  return hunks;
}

/** The old text's lines a hunk expects, in order: its context and removed lines. */
const expected = (hunk: Hunk) => hunk.lines.filter((l) => l[0] !== '+').map((l) => l.slice(1));

/** The nearest line at or after `from` where the hunk's expected lines stand. */
function findHunk(lines: string[], hunk: Hunk, from: number): number {
  const want = expected(hunk);
  const fits = (at: number) => at >= from && want.every((l, k) => lines[at + k] === l);
  for (let d = 0; d <= lines.length; d++) {
    if (fits(hunk.start - d)) return hunk.start - d;
    if (fits(hunk.start + d)) return hunk.start + d;
  }
  throw new Error(`the lines of hunk "${hunk.header}" stand nowhere in the file`);
}

/**
 * Applies a unified diff to `text`. Every context and removed line must match exactly: a patch that no longer
 * fits the file it was made from is an error, never a silent guess. With `shift`, a hunk may stand at other
 * line numbers than its header says (lines were added or removed above it), as `patch` allows: authors'
 * imports use it to carry patches onto an edited base; materialising lessons never does.
 */
export function applyPatch(text: string, patch: string, opts: { shift?: boolean } = {}): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let at = 0;
  for (const hunk of parseHunks(patch)) {
    const start = opts.shift ? findHunk(lines, hunk, at) : hunk.start;
    if (start < at) throw new Error(`hunks overlap at line ${start + 1}`);
    out.push(...lines.slice(at, start));
    at = start;
    for (const line of hunk.lines) {
      const [mark, body] = [line[0], line.slice(1)];
      if (mark === '+') out.push(body);
      else {
        if (lines[at] !== body) throw new Error(`line ${at + 1} is "${lines[at] ?? '(end of file)'}", the patch expects "${body}"`);
        if (mark === ' ') out.push(body);
        at++;
      }
    }
  }
  out.push(...lines.slice(at));
  return out.join('\n');
}

/** Line by line, what turns `a` into `b`: a longest common subsequence, after the common ends are set aside. */
function lineOps(a: string[], b: string[]): string[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const [x, y] = [a.slice(pre, a.length - suf), b.slice(pre, b.length - suf)];
  // common[i][j]: the length of the longest common subsequence of x[i..] and y[j..].
  const common = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      common[i][j] = x[i] === y[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const ops = a.slice(0, pre).map((l) => ' ' + l);
  let [i, j] = [0, 0];
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      ops.push(' ' + x[i++]);
      j++;
    } else if (i < x.length && (j === y.length || common[i + 1][j] >= common[i][j + 1])) ops.push('-' + x[i++]);
    else ops.push('+' + y[j++]);
  }
  return ops.concat(a.slice(a.length - suf).map((l) => ' ' + l));
}

/**
 * The unified diff, with three lines of context, that turns `a` into `b`; `labels` name the two sides in its
 * `---`/`+++` lines. Empty when the texts are the same.
 */
export function makePatch(a: string, b: string, labels: [string, string]): string {
  const [aLines, bLines] = [a.split('\n'), b.split('\n')];
  // The empty "line" after a final newline is not a line; applyPatch keeps it as it keeps every line past the hunks.
  const trim = aLines.at(-1) === '' && bLines.at(-1) === '' ? 1 : 0;
  const ops = lineOps(aLines.slice(0, aLines.length - trim), bLines.slice(0, bLines.length - trim));
  const changed = ops.flatMap((op, k) => (op[0] === ' ' ? [] : [k]));
  if (!changed.length) return '';
  let out = `--- ${labels[0]}\n+++ ${labels[1]}\n`;
  for (let c = 0; c < changed.length;) {
    let last = c;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * CONTEXT) last++;
    const [from, to] = [Math.max(0, changed[c] - CONTEXT), Math.min(ops.length, changed[last] + CONTEXT + 1)];
    const before = ops.slice(0, from);
    const hunk = ops.slice(from, to);
    const [aStart, bStart] = [before.filter((o) => o[0] !== '+').length, before.filter((o) => o[0] !== '-').length];
    const [aLen, bLen] = [hunk.filter((o) => o[0] !== '+').length, hunk.filter((o) => o[0] !== '-').length];
    out += `@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@\n${hunk.join('\n')}\n`;
    c = last + 1;
  }
  return out;
}
