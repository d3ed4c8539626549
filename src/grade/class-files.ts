import path from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import { classHtml } from './class-html.js';
import type { GradeResult } from './result.js';
import { summaryCsv, type ClassSummary } from './summary.js';

/** Writes class.csv, class.json and class.html into `out`, each atomically; returns their paths. */
export function writeClassFiles(out: string, summary: ClassSummary, results: readonly GradeResult[]): string[] {
  const files: [string, string][] = [
    ['class.csv', summaryCsv(summary)],
    ['class.json', `${JSON.stringify(summary, null, 2)}\n`],
    ['class.html', classHtml(summary, results)],
  ];
  return files.map(([name, content]) => {
    const file = path.join(out, name);
    writeFileAtomic(file, content);
    return file;
  });
}
