import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importChain } from '../../src/lesson-chain.js';
import { chainFiles, loadLevels } from '../../src/lessons.js';

export interface WholeFiles {
  /** The level's folder under lessons/. */
  dir: string;
  stub: string;
  solution: string;
}

/** Stores whole stubs and solutions in a lessons folder (manifest and level folders made) as its level chain, as an author's import does. */
export function writeChain(lessons: string, levels: WholeFiles[]): void {
  const whole = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-whole-'));
  try {
    for (const { dir, stub, solution } of levels) {
      fs.mkdirSync(path.join(whole, dir), { recursive: true });
      fs.writeFileSync(path.join(whole, dir, 'stub.ts'), stub);
      fs.writeFileSync(path.join(whole, dir, 'solution.ts'), solution);
    }
    importChain(chainFiles(loadLevels(lessons), whole, lessons), whole);
  } finally {
    fs.rmSync(whole, { recursive: true, force: true });
  }
}
