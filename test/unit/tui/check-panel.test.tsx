import { render } from 'ink-testing-library';
import { expect, it } from 'vitest';
import type { CheckEvent } from '../../../src/check/types.js';
import { CheckPanel } from '../../../src/tui/check-panel.js';
import { applyEvent, startRun } from '../../../src/tui/check-state.js';
import { result } from './fixture.js';

const plain = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

it("shows the level being checked a check a line, and each earlier level as one line while it passes: waiting, running, done", () => {
  const events: CheckEvent[] = [
    { type: 'plan', checks: [['02', 'a'], ['02', 'b'], ['00', 'a'], ['00', 'b'], ['01', 'a'], ['01', 'b'], ['01', 'c']].map(([level, name]) => ({ level: level!, name: name! })) },
    { type: 'stage', stage: 'checks' },
    { type: 'check-start', level: '02', name: 'b' },
    { type: 'check-start', level: '00', name: 'a' },
    { type: 'result', result: result('00', 'a', 'pass') },
    { type: 'check-start', level: '00', name: 'b' },
    { type: 'result', result: result('00', 'b', 'pass') },
    { type: 'check-start', level: '01', name: 'a' },
    { type: 'result', result: result('01', 'a', 'pass') },
    { type: 'check-start', level: '01', name: 'b' },
  ];
  const run = events.reduce((r, e) => applyEvent(r, e, 0), startRun('02'));
  const { lastFrame, unmount } = render(<CheckPanel run={run} title="two" hints={{ revealed: 0, total: 1 }} traceShown={false} />);
  const lines = plain(lastFrame()).split('\n').map((l) => l.trimEnd()).filter((l) => /^\S+\s+(0\d\/|level)/.test(l));
  expect(lines.map((l) => l.replace(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/, '~').replace(/ +[\d.]+ ?m?s$/, ''))).toEqual([
    '· 02/a',
    '~ 02/b',
    '✓ level 00: 2 checks still pass',
    '~ level 01: 1 of 3 checks still pass',
  ]);
  unmount();

  // An earlier level that fails shows its checks; one not begun is a line; a level of one check says so.
  const later = applyEvent(run, { type: 'result', result: result('01', 'b', 'fail') }, 0);
  const second = render(<CheckPanel run={later} title="two" hints={{ revealed: 0, total: 1 }} traceShown={false} />);
  const text = plain(second.lastFrame());
  expect(text).toContain('✓ 01/a');
  expect(text).toContain('✗ 01/b');
  expect(text).toContain('· 01/c');
  second.unmount();
  const waiting = applyEvent(startRun('01'), { type: 'plan', checks: [{ level: '01', name: 'a' }, { level: '00', name: 'a' }] }, 0);
  const third = render(<CheckPanel run={waiting} title="one" hints={{ revealed: 0, total: 1 }} traceShown={false} />);
  expect(plain(third.lastFrame())).toContain('· level 00: 1 check');
  expect(plain(third.lastFrame())).not.toContain('1 checks');
  third.unmount();
  const one = applyEvent(waiting, { type: 'result', result: result('00', 'a', 'pass') }, 0);
  const fourth = render(<CheckPanel run={one} title="one" hints={{ revealed: 0, total: 1 }} traceShown={false} />);
  expect(plain(fourth.lastFrame())).toContain('✓ level 00: 1 check still passes');
  fourth.unmount();
});
