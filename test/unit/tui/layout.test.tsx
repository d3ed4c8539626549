import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { freshProgress, loadProgress, recordOutcome } from '../../../src/progress.js';
import { App } from '../../../src/tui/app.js';
import { makeFixture, outcomeOf, renderSized, result, scriptedRunner, tick, until, type Fixture } from './fixture.js';

let fx: Fixture;
let app: ReturnType<typeof renderSized>;
afterEach(() => {
  app?.unmount();
  fx?.cleanup();
});

/** Strips colours and styles, so widths are the terminal's. */
const plain = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

it.each([
  [80, 24],
  [120, 40],
])('fits a %i×%i terminal on every screen, keeping the key bar visible', async (columns, rows) => {
  fx = makeFixture(recordOutcome(freshProgress(), outcomeOf('00', [result('00', 'a', 'pass')])));
  const long = Array.from({ length: 80 }, (_, i) => `Paragraph ${i} ${'word '.repeat(30)}`).join('\n\n');
  fs.writeFileSync(fx.levels[0]!.lessonFile, long);
  const runner = scriptedRunner([
    outcomeOf('00', Array.from({ length: 30 }, (_, i) => result('00', `check-${i}`, i === 29 ? 'fail' : 'pass', { output: 'x\n'.repeat(20) }))),
  ]);
  app = renderSized(<App workspaceDir={fx.workspace} levels={fx.levels} progress={loadProgress(fx.workspace, fx.levels.map((l) => l.id)).progress} runCheck={runner.runCheck} env={{}} />, columns, rows);
  const screens: string[] = [];
  const look = async () => {
    await tick(30);
    screens.push(plain(app.lastFrame()));
  };
  await look();
  for (const key of ['c', '?', 'h', 's', 'l']) {
    app.stdin.write(key);
    if (key === 'c') {
      runner.finish();
      await until(() => plain(app.lastFrame()).includes('not passed yet'));
    }
    await look();
  }
  for (const s of screens) {
    const lines = s.split('\n');
    expect(lines.length).toBeLessThanOrEqual(rows - 1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
  }
  expect(screens.slice(0, -1).every((s) => /q quit/.test(s))).toBe(true);
  expect(screens[0]).toContain('00 first');
  if (process.env.SHOW) console.log(screens.join('\n=====\n'));
});
