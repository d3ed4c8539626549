// Learner output is arbitrary bytes decoded as UTF-8: colour codes, carriage-return progress bars, NULs.
// XML 1.0 and YAML both forbid most control characters, so reports carry a readable, valid version.

const ANSI_ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
const NOT_PRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes text safe for XML and YAML: drops ANSI escape sequences, turns CR LF and lone CR into LF, and
 * replaces every other control character or lone surrogate with U+FFFD.
 */
export function cleanText(text: string): string {
  return text.replace(ANSI_ESCAPE, '').replace(/\r\n?/g, '\n').replace(NOT_PRINTABLE, '\ufffd');
}

/** One line, for places that cannot hold a line break (TAP descriptions, CSV-friendly reasons); a tab is a space there. */
export function oneLine(text: string): string {
  return cleanText(text).replace(/\s*\n\s*|\t/g, ' ').trim();
}

/** 0:42, 12:05, 1:02:03 */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/** "1 check", "4 checks" */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** An earlier level that passes, as one line: "level 09: 1 check still passes", "level 03: 4 checks still pass". */
export function stillPass(level: string, checks: number): string {
  return `level ${level}: ${counted(checks, 'check')} still pass${checks === 1 ? 'es' : ''}`;
}
