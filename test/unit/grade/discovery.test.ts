import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverSubmissions } from '../../../src/grade/submissions.js';
import { gitCommit } from '../../../src/grade/git.js';
import { fileStem } from '../../../src/grade/store.js';
import { limitedCheck } from '../../../src/grade/limited-check.js';

let root: string;
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'discover-')));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const ws = (rel: string) => {
  fs.mkdirSync(path.join(root, rel), { recursive: true });
  fs.writeFileSync(path.join(root, rel, 'rd.ts'), '');
};

describe('discoverSubmissions', () => {
  it('finds learners in a class folder, skipping hidden folders, node_modules and an ext4 volume\'s lost+found', () => {
    ws('class/alice');
    ws('class/.git-cache/x');
    ws('class/node_modules/y');
    fs.mkdirSync(path.join(root, 'class', 'lost+found'));
    fs.writeFileSync(path.join(root, 'class', 'README.md'), '');
    expect(discoverSubmissions(['class'], root)).toEqual([{ dir: path.join(root, 'class/alice'), name: 'alice' }]);
  });

  it('reports a learner folder holding several workspaces instead of guessing', () => {
    ws('class/bob/try1');
    ws('class/bob/try2');
    const [bob] = discoverSubmissions(['class'], root);
    expect(bob!.problem).toBe('several workspaces in this folder (try1, try2): list the one to grade');
  });

  it('follows symlinked learner folders and grades a folder reached twice once', () => {
    ws('real/alice');
    fs.mkdirSync(path.join(root, 'class'));
    fs.symlinkSync(path.join(root, 'real/alice'), path.join(root, 'class/alice'));
    const found = discoverSubmissions(['class', 'real/alice'], root);
    expect(found).toEqual([{ dir: path.join(root, 'real/alice'), name: 'alice' }]);
  });

  it('rejects a path that does not exist, an empty list and a folder with no learners', () => {
    fs.writeFileSync(path.join(root, 'empty.txt'), '# nobody yet\n');
    fs.mkdirSync(path.join(root, 'bare'));
    expect(() => discoverSubmissions(['missing'], root)).toThrow('missing: no such file or folder');
    expect(() => discoverSubmissions(['empty.txt'], root)).toThrow('empty.txt: lists no workspace folders');
    expect(() => discoverSubmissions(['bare'], root)).toThrow('bare: no rd.ts in it, and no learner folders either');
  });
});

describe('gitCommit', () => {
  it('reads the checked-out commit of a clone, and nothing for a plain folder', () => {
    ws('clone');
    const dir = path.join(root, 'clone');
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', 'rd.ts');
    git('commit', '-q', '-m', 'x');
    expect(gitCommit(dir)).toBe(git('rev-parse', 'HEAD'));
    git('pack-refs', '--all');
    expect(gitCommit(dir)).toBe(git('rev-parse', 'HEAD'));
    ws('plain');
    expect(gitCommit(path.join(root, 'plain'))).toBeUndefined();
  });
});

describe('fileStem', () => {
  it('keeps names readable and safe as file names', () => {
    expect([fileStem('alice'), fileStem('Zoë Müller'), fileStem('../../etc'), fileStem('...'), fileStem('a/b\\c')]).toEqual([
      'alice', 'Zoë-Müller', 'etc', 'learner', 'a-b-c',
    ]);
  });
});

describe('limitedCheck', () => {
  it('gives an error outcome, keeping the results so far, when the runner stops without a verdict', async () => {
    const result = { level: '00', name: 'a', status: 'pass' as const, message: '', ms: 1 };
    const runCheck = async function* () {
      yield { type: 'result' as const, result };
      return undefined as never;
    };
    const outcome = await limitedCheck({ runCheck, workspaceDir: root, level: '00', timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ verdict: 'error', error: 'the checker stopped without a verdict', results: [result] });
  });
});
