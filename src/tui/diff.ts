/** One line of a line diff: kept in both, only in `before` (del) or only in `after` (add). */
export interface DiffLine {
  op: 'same' | 'del' | 'add';
  text: string;
  /** 1-based line number in `before` (same/del) or `after` (add). */
  line: number;
}

export interface Hunk {
  lines: DiffLine[];
}

/** Longest-common-subsequence line diff; common head and tail are skipped before the quadratic part. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);

  // lcs[i][j] = length of the LCS of midA[i..] and midB[j..], in one flat array.
  const w = midB.length + 1;
  const lcs = new Uint32Array((midA.length + 1) * w);
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i * w + j] = midA[i] === midB[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }

  const out: DiffLine[] = a.slice(0, head).map((text, i) => ({ op: 'same', text, line: i + 1 }));
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      out.push({ op: 'same', text: midA[i]!, line: head + i + 1 });
      i++;
      j++;
    } else if (i < midA.length && (j === midB.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      out.push({ op: 'del', text: midA[i]!, line: head + i + 1 });
      i++;
    } else {
      out.push({ op: 'add', text: midB[j]!, line: head + j + 1 });
      j++;
    }
  }
  for (let k = a.length - tail; k < a.length; k++) out.push({ op: 'same', text: a[k]!, line: k + 1 });
  return out;
}

/** Groups a diff into hunks of changes with `context` unchanged lines around each; no hunks when equal. */
export function hunks(diff: DiffLine[], context = 3): Hunk[] {
  const changed = diff.flatMap((d, idx) => (d.op === 'same' ? [] : [idx]));
  const result: Hunk[] = [];
  let start = -1;
  let end = -1;
  for (const idx of changed) {
    if (start >= 0 && idx - context <= end + context) {
      end = idx;
      continue;
    }
    if (start >= 0) result.push({ lines: diff.slice(Math.max(0, start - context), end + context + 1) });
    start = idx;
    end = idx;
  }
  if (start >= 0) result.push({ lines: diff.slice(Math.max(0, start - context), end + context + 1) });
  return result;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
