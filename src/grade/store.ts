import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import { GradeError } from './errors.js';
import { LockBusy, takeLock } from './lock.js';
import { readResult, type GradeResult } from './result.js';

/**
 * The output folder's result files, `<out>/results/<learner>.json`, each written atomically, so an
 * interrupted run leaves only whole results behind. A submission keeps its file name across runs.
 */
export class ResultStore {
  readonly resultsDir: string;
  readonly lockFile: string;
  private readonly byPath = new Map<string, GradeResult>();
  private readonly fileByPath = new Map<string, string>();
  private readonly taken = new Set<string>();
  private found = 0;

  constructor(readonly out: string) {
    this.resultsDir = path.join(out, 'results');
    this.lockFile = path.join(out, '.grade.lock');
  }

  /** Reads the results already there; a file that is not a whole result is not trusted, and its name is reused. */
  load(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.resultsDir).filter((n) => n.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new GradeError(`cannot read ${this.resultsDir} (${(err as NodeJS.ErrnoException).code})`);
    }
    this.found = names.length;
    for (const name of names.sort()) {
      const stem = name.slice(0, -'.json'.length);
      const result = readResult(path.join(this.resultsDir, name));
      if (result && !this.fileByPath.has(result.path)) {
        this.taken.add(stem);
        this.byPath.set(result.path, result);
        this.fileByPath.set(result.path, stem);
      }
    }
  }

  /** How many result files the folder held when loaded, whole or not. */
  get size(): number {
    return this.found;
  }

  previous(dir: string): GradeResult | undefined {
    return this.byPath.get(dir);
  }

  /** The result file name (without .json) for a submission: the one it had, else a new one made from `name`. */
  assign(dir: string, name: string): string {
    const existing = this.fileByPath.get(dir);
    if (existing) return existing;
    const base = fileStem(name);
    let stem = base;
    for (let n = 2; this.taken.has(stem); n++) stem = `${base}-${n}`;
    this.taken.add(stem);
    this.fileByPath.set(dir, stem);
    return stem;
  }

  fileOf(stem: string): string {
    return path.join(this.resultsDir, `${stem}.json`);
  }

  write(result: GradeResult): void {
    writeFileAtomic(this.fileOf(result.learner), `${JSON.stringify(result, null, 2)}\n`);
    this.byPath.set(result.path, result);
  }

  /**
   * Claims the output folder for this process, so two runs cannot grade the same submissions into it
   * (see takeLock: a lock left behind is taken over). Returns the release function.
   */
  async lock(): Promise<() => void> {
    fs.mkdirSync(this.out, { recursive: true });
    try {
      return await takeLock(this.lockFile);
    } catch (err) {
      if (err instanceof LockBusy) throw new GradeError(`another rubber-workshop grade (${err.holder}) is writing to ${this.out}: wait for it to finish, or choose another --out`);
      throw new GradeError(`cannot write to ${this.out} (${(err as NodeJS.ErrnoException).code})`);
    }
  }
}

/** A file-name-safe, readable stem: letters, digits, dot, dash and underscore. */
export function fileStem(name: string): string {
  const stem = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[.-]+|-+$/g, '')
    .slice(0, 64);
  return stem || 'learner';
}
