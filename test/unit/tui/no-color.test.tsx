import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadProgress } from '../../../src/progress.js';
import { App } from '../../../src/tui/app.js';
import { makeTheme, ThemeProvider } from '../../../src/tui/theme.js';
import { makeFixture, outcomeOf, result, scriptedRunner, until } from './fixture.js';

// Ink colours through chalk, which is off when the output is not a terminal; turn it on, as in a terminal.
const level = chalk.level;
beforeAll(() => {
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = level;
});

/** SGR colour codes: 30–39 and 90–97 foreground, 40–49 and 100–107 background. */
const COLOUR = /\x1b\[(3\d|4\d|9[0-7]|10[0-7])(;\d+)*m/;

async function failedCheckScreen(env: NodeJS.ProcessEnv): Promise<string> {
  const fx = makeFixture();
  const runner = scriptedRunner([outcomeOf('00', [result('00', 'a', 'pass'), result('00', 'b', 'fail', { expected: '1', actual: '2' })])]);
  const app = render(
    <ThemeProvider theme={makeTheme(env)}>
      <App workspaceDir={fx.workspace} levels={fx.levels} progress={loadProgress(fx.workspace, fx.levels.map((l) => l.id)).progress} runCheck={runner.runCheck} env={{}} />
    </ThemeProvider>,
  );
  app.stdin.write('c');
  runner.finish();
  await until(() => (app.lastFrame() ?? '').includes('not passed yet'));
  const frame = app.lastFrame()!;
  app.unmount();
  fx.cleanup();
  return frame;
}

it('colours the screen when colour is allowed', async () => {
  expect(await failedCheckScreen({})).toMatch(COLOUR);
});

it('uses no colour at all when NO_COLOR is set, keeping bold', async () => {
  const frame = await failedCheckScreen({ NO_COLOR: '1' });
  expect(frame).not.toMatch(COLOUR);
  expect(frame).toContain('\x1b[1m');
  expect(frame).toContain('not passed yet');
});

it('treats an empty NO_COLOR as unset, as no-color.org says', () => {
  expect(makeTheme({ NO_COLOR: '' })).toEqual(makeTheme({}));
  expect(makeTheme({ NO_COLOR: '0' })).toEqual({});
});
