/**
 * Applies a unified diff, as `diff -u` writes it, to `text`. Every context and removed line must match
 * exactly: a patch that no longer fits the file it was made from is an error, never a silent guess.
 */
export function applyPatch(text: string, patch: string): string {
  const lines = text.split('\n');
  const diff = patch.split('\n');
  const out: string[] = [];
  let at = 0;
  let i = diff.findIndex((l) => l.startsWith('@@ '));
  if (i < 0) throw new Error('the patch has no hunks');
  while (i < diff.length && diff[i].startsWith('@@ ')) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(diff[i]);
    if (!hunk) throw new Error(`bad hunk header: ${diff[i]}`);
    const start = hunk[2] === '0' ? Number(hunk[1]) : Number(hunk[1]) - 1;
    if (start < at) throw new Error(`hunks overlap at line ${start + 1}`);
    out.push(...lines.slice(at, start));
    at = start;
    for (i++; i < diff.length && !diff[i].startsWith('@@ '); i++) {
      const [mark, body] = [diff[i][0], diff[i].slice(1)];
      if (mark === '+') out.push(body);
      else if (mark === ' ' || mark === '-') {
        if (lines[at] !== body) throw new Error(`line ${at + 1} is "${lines[at] ?? '(end of file)'}", the patch expects "${body}"`);
        if (mark === ' ') out.push(body);
        at++;
      } else if (diff[i] !== '' && mark !== '\\') throw new Error(`bad patch line: ${diff[i]}`);
    }
  }
  out.push(...lines.slice(at));
  return out.join('\n');
}
