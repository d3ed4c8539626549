import fs from 'node:fs';
import * as v from 'valibot';
import { UserError } from './errors.js';

/** A file rubber-workshop reads is not what it must be; the message names the file and the field. */
export class FileFormatError extends UserError {}

/** A schema giving T (valibot's own type, under a name that says what it is for here). */
export type Schema<T> = v.GenericSchema<unknown, T>;

/** JSON `text` from the file `shown`, checked against `schema`; a FileFormatError naming the field that is wrong. */
export function parseJson<T>(text: string, schema: Schema<T>, shown: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(`${shown}: not valid JSON (${(e as Error).message})`);
  }
  const result = v.safeParse(schema, data);
  // A misspelt field is both unknown and missing: naming the unknown one says what to fix.
  if (!result.success) throw new FileFormatError(`${shown}: ${describeIssue(result.issues.find((i) => i.expected === 'never') ?? result.issues[0])}`);
  return result.output;
}

/** Reads and checks a JSON file; a missing or unreadable file throws as fs does, a bad one a FileFormatError. */
export function readJsonFile<T>(file: string, schema: Schema<T>, shown: string = file): T {
  return parseJson(fs.readFileSync(file, 'utf8'), schema, shown);
}

/** For caches and records that are remade when they are not right: the file's data, or undefined. */
export function readJsonFileIfValid<T>(file: string, schema: Schema<T>): T | undefined {
  try {
    return readJsonFile(file, schema);
  } catch {
    return undefined;
  }
}

const TYPE_NAMES: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', Array: 'a list', Object: 'an object' };

/** "levels[3].dir: expected a string, got 3", or "…: missing". */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const where = (issue.path ?? []).map((item, i) => (typeof item.key === 'number' ? `[${item.key}]` : `${i ? '.' : ''}${String(item.key)}`)).join('');
  if (issue.expected === 'never') return `${where} is not a field`;
  const what = issue.received === 'undefined' ? 'missing'
    : issue.kind === 'validation' ? issue.message
    : `expected ${TYPE_NAMES[issue.expected ?? ''] ?? issue.expected}, got ${issue.received}`;
  return where ? `${where}: ${what}` : what;
}
