import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLevels } from '../../src/lessons.js';
import { FileFormatError } from '../../src/json-file.js';
import { readManifest } from '../../src/grade/manifest.js';
import { readResult } from '../../src/grade/result.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-schemas-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, data: unknown) => fs.writeFileSync(path.join(dir, name), typeof data === 'string' ? data : JSON.stringify(data));
const level = (id: string) => ({ id, dir: `${id}-x`, title: 'x' });

describe('lessons/manifest.json', () => {
  it.each([
    [{ levels: [level('00'), level('01'), level('02'), { id: '03', dir: 3, title: 'x' }] }, 'levels[3].dir: expected a string, got 3'],
    [{ levels: [{ id: '0', dir: '00-x', title: 'x' }] }, 'levels[0].id: expected a two-digit level id, like "04"'],
    [{ levels: [{ id: '00', title: 'x' }] }, 'levels[0].dir: missing'],
    [{ levels: [{ id: '00', dir: '../elsewhere', title: 'x' }] }, 'levels[0].dir: expected a folder name in lessons/, like "04-chroot"'],
    [{ level: [] }, 'level is not a field'],
    ['{"levels": [', 'not valid JSON'],
  ])('%j: an error naming the file and the field', (manifest, problem) => {
    write('manifest.json', manifest);
    expect(() => loadLevels(dir)).toThrow(FileFormatError);
    expect(() => loadLevels(dir)).toThrow(`${path.basename(dir)}/manifest.json: ${problem}`);
  });

  it("the package's own manifest is valid", () => {
    expect(loadLevels().map((l) => l.id)).toEqual(expect.arrayContaining(['00', '01']));
  });
});

describe("a grading run's files", () => {
  it('shard.json: names the folder, the file and the field', () => {
    write('shard.json', { version: 1, shard: 3, shards: 2 });
    expect(() => readManifest(dir, 'shard-a')).toThrow('shard-a/shard.json: level: missing');
    write('shard.json', { version: 1, shard: 0, shards: 2 });
    expect(() => readManifest(dir, 'shard-a')).toThrow('shard-a/shard.json: shard: expected a whole number of at least 1');
  });

  it('results/*.json: a torn or foreign file is no result (it is graded again)', () => {
    write('torn.json', '{"version": 1, "learn');
    write('foreign.json', { version: 1, learner: 'a', path: '/a', status: 'maybe' });
    expect(readResult(path.join(dir, 'torn.json'))).toBeUndefined();
    expect(readResult(path.join(dir, 'foreign.json'))).toBeUndefined();
  });
});
