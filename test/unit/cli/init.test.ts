import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init } from '../../../src/commands/init.js';

let root: string;
let said: string[];
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-unit-init-'));
  said = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void said.push(line));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('init', () => {
  it("refuses rubber-workshop's own folder (README's set-up runs from the clone), and makes nothing there", async () => {
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'rubber-workshop', version: '0.1.0' }));
    await expect(init([root])).rejects.toThrow(/is rubber-workshop's own \(its clone\): make your workspace elsewhere/);
    expect(fs.readdirSync(root)).toEqual(['package.json']);
  });

  it('tells the next step with a folder quoted where a shell needs it', async () => {
    const dir = path.join(root, "my wörk's");
    await init([dir]);
    expect(fs.existsSync(path.join(dir, 'rd.ts'))).toBe(true);
    expect(said.join('\n')).toContain(`Next: cd '${dir.replace(/'/g, `'\\''`)}' && rubber-workshop`);
  });
});
