import fs from 'node:fs';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { freshProgress, loadProgress, recordOutcome, type Progress } from '../../../src/progress.js';
import { App, type Editors } from '../../../src/tui/app.js';
import type { EditorLaunch } from '../../../src/tui/editor.js';
import { makeFixture, outcomeOf, result, screen, scriptedRunner, tick, until, type Fixture } from './fixture.js';

const DOWN = '\x1B[B';
const ENTER = '\r';
const ESC = '\x1B';
const TAB = '\t';

let fx: Fixture;
let app: ReturnType<typeof render>;
afterEach(() => {
  app?.unmount();
  fx?.cleanup();
});

const failing = () =>
  outcomeOf('00', [
    result('00', 'runs-command', 'pass'),
    result('00', 'reports-status', 'fail', {
      message: 'rd did not print the exit status',
      expected: '42 exited with status 3',
      actual: '(nothing)',
      command: 'rd run -- /bin/sh -c "exit 3"',
      output: 'booting\nrd: TODO',
    }),
  ]);
const passing = (level = '00') => outcomeOf(level, [result(level, 'runs-command', 'pass'), result(level, 'reports-status', 'pass')]);

function start(opts: { progress?: Progress; scripts?: ReturnType<typeof outcomeOf>[]; env?: NodeJS.ProcessEnv; editors?: Editors; signal?: AbortSignal; shell?: EditorLaunch } = {}) {
  fx = makeFixture(opts.progress);
  const runner = scriptedRunner(opts.scripts ?? []);
  app = render(
    <App
      workspaceDir={fx.workspace}
      levels={fx.levels}
      progress={loadProgress(fx.workspace, fx.levels.map((l) => l.id)).progress}
      runCheck={runner.runCheck}
      env={opts.env ?? {}}
      watchDebounceMs={20}
      {...(opts.editors && { editors: opts.editors })}
      {...(opts.signal && { signal: opts.signal })}
      {...(opts.shell && { shell: opts.shell })}
    />,
  );
  return runner;
}

const frame = () => screen(app.lastFrame());
/** Types keys one by one, each once the screen has reacted to the one before. */
const press = async (...keys: string[]) => {
  for (const k of keys) {
    const before = app.frames.length;
    app.stdin.write(k);
    await until(() => app.frames.length > before, `the screen to react to ${JSON.stringify(k)}`, 500).catch(() => undefined);
    await tick(5);
  }
};
/** The screen's words with line breaks and runs of spaces as one space, so wrapped text still matches. */
const words = () => frame().replace(/\s+/g, ' ');
/** Waits for `text` on the screen (wrapped or not), then asserts it, so a failure shows the screen. */
const see = async (text: string) => {
  const wanted = text.replace(/\s+/g, ' ');
  await until(() => words().includes(wanted), JSON.stringify(text)).catch(() => undefined);
  expect(words()).toContain(wanted);
};
const saved = () => loadProgress(fx.workspace, fx.levels.map((l) => l.id)).progress;
const rd = () => fs.readFileSync(path.join(fx.workspace, 'rd.ts'), 'utf8');

describe('level view', () => {
  it('opens on the current level with its lesson rendered for the terminal', async () => {
    start({ progress: freshProgress('01') });
    await tick();
    await see('01 second');
    await see('level 2 of 3');
    await see('Make rd do the second thing with syscall_01().');
    expect(frame()).not.toContain('**');
    expect(frame()).toMatch(/c check .*w watch .*h hint/);
  });

  it('moves between levels with n and p, and says so at either end', async () => {
    start();
    await press('p');
    await see('This is the first level.');
    await press('n');
    await see('01 second');
    expect(saved().current).toBe('01');
    await press('n', 'n');
    await see('This is the last level.');
  });

  it('scrolls a long panel with the arrow keys, space and G', async () => {
    start();
    const lesson = fx.levels[0]!.lessonFile;
    fs.writeFileSync(lesson, Array.from({ length: 60 }, (_, i) => `Paragraph number ${i}.`).join('\n\n'));
    await press('n', 'p');
    await see('Paragraph number 0.');
    await see('top ↓');
    await press(DOWN, DOWN);
    await see('Paragraph number 1.');
    expect(frame()).not.toContain('Paragraph number 0.');
    await press('G');
    await see('Paragraph number 59.');
    await see('end ↑');
    await press('g');
    await see('Paragraph number 0.');
  });

  it('shows the keys with ?', async () => {
    start();
    await press('?');
    await see('── keys ──');
    await see("reset: replace rd.ts with this level's stub");
    await press('?');
    await see('── lesson ──');
  });
});

describe('level list', () => {
  it('lists every level with its status and last check, and opens the chosen one', async () => {
    let progress = recordOutcome(freshProgress('01'), passing('00'), new Date());
    progress = recordOutcome(progress, outcomeOf('01', [result('01', 'a', 'pass'), result('01', 'b', 'fail')]), new Date());
    start({ progress });
    await press('l');
    const lines = frame().split('\n');
    expect(lines.find((l) => l.includes('00  first'))).toMatch(/✓ 00  first\s+passed\s+✓ 2\/2 \d\d:\d\d/);
    expect(lines.find((l) => l.includes('01  second'))).toMatch(/▸ ● 01  second\s+current\s+✗ 1\/2 \d\d:\d\d/);
    expect(lines.find((l) => l.includes('02  third'))).toMatch(/· 02  third\s+not yet$/);
    await see('1 of 3 levels passed');
    await press(DOWN, ENTER);
    await see('02 third');
    expect(saved().current).toBe('02');
  });

  it('is where esc leads from the lesson', async () => {
    start();
    await press(ESC);
    await see('levels passed');
    await press(ENTER);
    await see('── lesson ──');
  });
});

describe('checking', () => {
  it('shows stages and checks live, then the failure with expected, actual, command, output and the next hint', async () => {
    const runner = start({ scripts: [failing()] });
    await press('c');
    await until(() => runner.calls.length === 1, 'the check to start');
    expect(runner.calls[0]!.level).toBe('00');
    // Busy from the first moment, before the runner reports a stage.
    await until(() => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] bundling rd\.ts/.test(frame()), 'a spinner on the first stage');
    runner.step(3); // the plan, bundle, boot
    await until(() => frame().includes('✓ bundling rd.ts'), 'bundling to finish');
    await see('· 00/reports-status'); // planned, not begun
    await see('starting the VM');
    await see('checking 00');
    await see('x stop');
    runner.step(3);
    await until(() => frame().includes('✓ 00/runs-command'), 'the first result');
    runner.finish();
    await until(() => frame().includes('not passed yet'), 'the verdict');
    await see('✗ Level 00 not passed yet: 1 of 2 checks failed');
    await see('rd did not print the exit status');
    await see('expected: 42 exited with status 3');
    await see('actual:   (nothing)');
    await see('command:  rd run -- /bin/sh -c "exit 3"');
    await see('│ rd: TODO');
    await see('Stuck? Press h for hint 1 of 2.');
  });

  it("t shows what rd did beside the failure, and hides it again", async () => {
    const trace = [' parent 412 which("tar") = "/bin/tar"', '!init 418 unshare(CLONE_NEWNS) = 0', '*init 418 mount("proc", "/r/proc", "proc", 0, NULL) = -1 EBUSY (Device or resource busy)'].join('\n');
    const runner = start({ scripts: [outcomeOf('00', [result('00', 'reports-status', 'fail', { command: 'rd run -- true', trace })])] });
    await press('t');
    await see('t shows what rd did, once a check that ran rd has failed.');
    await press('c');
    runner.finish();
    await see('What rd did: 3 calls through linux.ts. Press t to show them.');
    // Hidden, the call the failure points at still shows; the others do not.
    await see('→ init 418 unshare(CLONE_NEWNS) = 0');
    expect(frame()).not.toContain('which("tar")');
    await see('t trace');
    await press('t');
    await see('What rd did (its calls through linux.ts); → the call this failure points at, * calls this level is about:');
    await see('parent 412 which("tar") = "/bin/tar"');
    await see('* init 418 mount("proc", "/r/proc", "proc", 0, NULL) = -1 EBUSY (Device or resource busy)');
    await see('t hide trace');
    await press('t');
    await see('Press t to show them.');
    expect(frame()).not.toContain('which("tar")');
  });

  it('details the first failure and sums up the others in a line each', async () => {
    const runner = start({ scripts: [outcomeOf('00', [result('00', 'first', 'fail', { actual: '' }), result('00', 'second', 'fail')])] });
    await press('c');
    runner.finish();
    await see('actual: (nothing)');
    await see('Also failed: ✗ 00/second: second went wrong');
  });

  it('names the failures past the first four without their messages', async () => {
    const names = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
    const runner = start({ scripts: [outcomeOf('00', names.map((n) => result('00', n, 'fail')))] });
    await press('c');
    runner.finish();
    await see('✗ 00/fourth: fourth went wrong');
    await see('✗ 00/fifth, 00/sixth');
    expect(frame()).not.toContain('fifth went wrong');
  });

  it('saves the outcome after every check', async () => {
    const runner = start({ scripts: [failing()] });
    await press('c');
    runner.finish();
    await until(() => frame().includes('not passed yet'));
    expect(saved().levels['00']).toMatchObject({ verdict: 'fail', passedEver: false, checksPassed: 1, checksTotal: 2 });
  });

  it('on a pass shows what was learned and the solution, records it, and moves on with enter', async () => {
    const runner = start({ scripts: [passing()] });
    await press('c');
    runner.finish();
    await until(() => frame().includes('passed'), 'the pass');
    await see('✓ Level 00 passed: first (2 of 2 checks');
    await see('Level 00 taught the first lesson.');
    await see('Press s to compare the reference solution with your rd.ts.');
    await see('Next: level 01, second.');
    expect(saved().levels['00']).toMatchObject({ verdict: 'pass', passedEver: true });
    expect(saved().current).toBe('01');
    expect(rd()).toContain('// TODO(00)');
    await press(ENTER);
    await see('01 second');
    await see('── lesson ──');
  });

  it('shows why a check could not run, with the last lines of the VM', async () => {
    const runner = start({ scripts: [outcomeOf('00', [], { verdict: 'error', error: 'rd.ts does not build:\nrd.ts:3:1: ERROR: Unexpected "}"', tail: ['kernel: ok', 'harness: gave up'] })] });
    await press('c');
    runner.finish();
    await until(() => frame().includes('could not be checked'));
    await see('rd.ts:3:1: ERROR: Unexpected "}"');
    await see('│ harness: gave up');
  });

  it('shows a runner that throws as an error instead of crashing', async () => {
    fx = makeFixture();
    app = render(
      <App workspaceDir={fx.workspace} levels={fx.levels} progress={freshProgress()} env={{}}
        runCheck={async function* () { throw new Error('QEMU is not installed'); }} />,
    );
    await press('c');
    await until(() => frame().includes('could not be checked'));
    await see('QEMU is not installed');
  });

  it('runs one check at a time: c while checking only says so, x stops it without recording', async () => {
    const runner = start({ scripts: [failing()] });
    await press('c');
    runner.step(1);
    await press('c');
    await see('A check is already running; x stops it.');
    expect(runner.calls).toHaveLength(1);
    await press('x');
    await until(() => frame().includes('Check stopped.'), 'the stop');
    expect(runner.calls[0]!.signal!.aborted).toBe(true);
    expect(saved().levels['00']).toBeUndefined();
    await see('c check');
  });

  it('switches between the lesson and the last check with tab', async () => {
    const runner = start({ scripts: [failing()] });
    await press(TAB);
    await see('No check of this level yet: press c to run one.');
    await press('c');
    runner.finish();
    await until(() => frame().includes('not passed yet'));
    await press(TAB);
    await see('── lesson ──');
    await press(TAB);
    await see('not passed yet');
    await press(ESC);
    await see('── lesson ──');
  });

  it('stops a running check before quitting', async () => {
    const runner = start({ scripts: [failing()] });
    await press('c');
    runner.step(1);
    await press('q');
    await until(() => runner.calls[0]!.signal!.aborted === true, 'the abort');
    // Once exited, Ink stops reading the keyboard.
    await until(() => app.stdin.listenerCount('readable') === 0, 'the app to exit');
  });

  it('quits the same way when its signal is aborted (SIGTERM)', async () => {
    const controller = new AbortController();
    const runner = start({ scripts: [failing()], signal: controller.signal });
    await press('c');
    runner.step(1);
    controller.abort();
    await until(() => runner.calls[0]!.signal!.aborted === true, 'the abort');
    await until(() => app.stdin.listenerCount('readable') === 0, 'the app to exit');
  });
});

describe('hints', () => {
  it('reveals one more per press and remembers them', async () => {
    start();
    await press('h');
    await see('Hint 1 of 2');
    await see('Hint one for 00.');
    expect(frame()).not.toContain('Hint two for 00.');
    expect(saved().levels['00']!.hintsRevealed).toBe(1);
    await press('h');
    await see('Hint two for 00.');
    await see('That is every hint.');
    expect(saved().levels['00']!.hintsRevealed).toBe(2);
  });

  it('shows the hints already seen before revealing another', async () => {
    const progress = { ...freshProgress(), levels: { '00': { passedEver: false, checksPassed: 0, checksTotal: 0, hintsRevealed: 1 } } };
    start({ progress });
    await press('h');
    await see('Hint one for 00.');
    expect(frame()).not.toContain('Hint two for 00.');
    await press('h');
    await see('Hint two for 00.');
  });
});

describe('solution', () => {
  it('stays closed until the level passed', async () => {
    start();
    await press('s');
    await see('The reference solution opens after level 00 passes.');
    await see('── lesson ──');
  });

  it("after a pass is a diff against the learner's rd.ts", async () => {
    start({ progress: recordOutcome(freshProgress(), passing()) });
    await press('s');
    await see('── reference solution ──');
    await see('- // TODO(00): do it');
    await see('+ doIt00();');
    await see('  main();');
  });
});

describe("solution: what rd did, beside the reference solution's", () => {
  // The reference solution's trace of 00/runs-command, as `dev traces` keeps it, and the learner's of the same check.
  const calls = (pid: number, id: string, flags: string) => [
    `*init ${pid} unshare(${flags}) = 0`,
    `*init ${pid} sethostname("${id}") = 0`,
    `*init ${pid} mount("overlay", "/workshop/containers/${id}/merged", "overlay", MS_NODEV, "lowerdir=/workshop/containers/images/busybox") = 0`,
    ` init ${pid} execve("/bin/sh", ["sh"])`,
  ].join('\n');
  const reference = calls(7, 'c0ffee12abcd', 'CLONE_NEWNS|CLONE_NEWUTS');
  const mine = calls(41, 'my-container-1', 'CLONE_NEWNS');
  const writeReference = () =>
    fs.writeFileSync(path.join(fx.root, 'lessons/00-first/solution.trace'), `# rd's calls in check 00/runs-command for solution.ts sha256 ${'a'.repeat(64)} (rubber-workshop dev traces)\n${reference}\n`);

  it("after a pass in this session, diffs the learner's calls against the reference's, without PIDs and ids", async () => {
    const runner = start({ scripts: [outcomeOf('00', [result('00', 'runs-command', 'pass', { trace: mine }), result('00', 'reports-status', 'pass')])] });
    writeReference();
    await press('c');
    runner.finish();
    await until(() => frame().includes('passed'), 'the pass');
    await press('s');
    await see("What rd did in check 00/runs-command: yours (-) against the reference solution's (+)");
    await see('- init unshare(CLONE_NEWNS) = 0');
    await see('+ init unshare(CLONE_NEWNS|CLONE_NEWUTS) = 0');
    await see('  init sethostname("<id>") = 0');
    await see('  init mount("overlay", "/workshop/containers/<id>/merged", "overlay", MS_NODEV, "lowerdir=/workshop/containers/images/busybox") = 0');
    await see('  init execve("/bin/sh", ["sh"])');
  });

  it('after a pass in an earlier session, shows the reference calls alone and how to see yours', async () => {
    start({ progress: recordOutcome(freshProgress(), passing()) });
    writeReference();
    await press('s');
    await see("What rd did in check 00/runs-command: the reference solution's calls");
    await see('  init unshare(CLONE_NEWNS|CLONE_NEWUTS) = 0');
    await see("Press c to check again and see your rd's calls against these.");
  });

  it('shows no calls for a level without a reference trace', async () => {
    start({ progress: recordOutcome(freshProgress(), passing()) });
    await press('s');
    await see('+ doIt00();');
    expect(words()).not.toContain('What rd did');
  });
});

describe('reset', () => {
  it('asks first and does nothing on no', async () => {
    start();
    fs.writeFileSync(path.join(fx.workspace, 'rd.ts'), 'my work\n');
    await press('r');
    await see("Replace rd.ts with level 00's stub? Your file is backed up first. y yes  n no");
    await press('n');
    expect(rd()).toBe('my work\n');
    await see('Reset cancelled');
  });

  it("on yes puts the stub in place and names the backup", async () => {
    start();
    await press('n');
    fs.writeFileSync(path.join(fx.workspace, 'rd.ts'), 'my work\n');
    await press('r', 'y');
    expect(rd()).toContain('// TODO(01): do it');
    await see('Your previous file: .rubber-workshop/backups/');
    const backups = path.join(fx.workspace, '.rubber-workshop', 'backups');
    const [backup] = fs.readdirSync(backups);
    expect(fs.readFileSync(path.join(backups, backup!), 'utf8')).toBe('my work\n');
  });
});

describe('editor', () => {
  const fakeEditors = (fail?: NodeJS.ErrnoException) => {
    const launched: { how: string; launch: EditorLaunch; frame: string }[] = [];
    const editors: Editors = {
      async detached(launch) {
        if (fail) throw fail;
        launched.push({ how: 'detached', launch, frame: frame() });
      },
      async inTerminal(launch) {
        launched.push({ how: 'terminal', launch, frame: frame() });
      },
    };
    return { editors, launched };
  };

  it('opens VS Code at the level TODO when no editor is set', async () => {
    const { editors, launched } = fakeEditors();
    start({ editors });
    await press('e');
    await until(() => launched.length === 1);
    expect(launched[0]!.how).toBe('detached');
    expect(launched[0]!.launch).toEqual({ command: 'code', args: ['-g', `${path.join(fx.workspace, 'rd.ts')}:3`], terminal: false });
    await until(() => frame().includes('Opened rd.ts in code.'));
  });

  it('steps aside for a terminal editor and comes back', async () => {
    const { editors, launched } = fakeEditors();
    start({ editors, env: { EDITOR: 'vim' } });
    await press('e');
    await until(() => launched.length === 1);
    expect(launched[0]!.launch.args).toEqual(['+3', path.join(fx.workspace, 'rd.ts')]);
    expect(launched[0]!.frame.trim()).toBe('');
    await until(() => frame().includes('Back from the editor.'));
    await see('── lesson ──');
  });

  it('v steps aside for the VM shell and comes back when it ends', async () => {
    const { editors, launched } = fakeEditors();
    const shell = { command: '/usr/bin/node', args: ['/x/dist/cli.js', 'shell'], terminal: true };
    start({ editors, shell });
    await press('v');
    await until(() => launched.length === 1);
    expect(launched[0]!.launch).toEqual(shell);
    expect(launched[0]!.frame.trim()).toBe('');
    await until(() => frame().includes('Back from the VM'));
    await see('── lesson ──');
  });

  it('says what to do when the editor cannot start', async () => {
    const enoent = Object.assign(new Error('spawn code ENOENT'), { code: 'ENOENT' });
    start({ editors: fakeEditors(enoent).editors });
    await press('e');
    await until(() => frame().includes('not found'));
    await see('Set $EDITOR');
  });
});

describe('watch', () => {
  const save = (content: string) => fs.writeFileSync(path.join(fx.workspace, 'rd.ts'), content);

  it('re-checks the level when rd.ts is saved with new content, and not for a save that changes nothing', async () => {
    const runner = start({ scripts: [failing(), failing()] });
    await press('w');
    await see('◉ watching');
    save('changed\n');
    await until(() => runner.calls.length === 1, 'a check after the save');
    runner.finish();
    await until(() => frame().includes('not passed yet'));
    save('changed\n');
    await tick(150);
    expect(runner.calls).toHaveLength(1);
    await press('w');
    expect(frame()).not.toContain('◉ watching');
    save('changed again\n');
    await tick(150);
    expect(runner.calls).toHaveLength(1);
  });

  it('notices a save by rename, as vim does it', async () => {
    const runner = start({ scripts: [failing()] });
    await press('w');
    fs.writeFileSync(path.join(fx.workspace, 'rd.ts.swp'), 'new content\n');
    fs.renameSync(path.join(fx.workspace, 'rd.ts'), path.join(fx.workspace, 'rd.ts~'));
    fs.renameSync(path.join(fx.workspace, 'rd.ts.swp'), path.join(fx.workspace, 'rd.ts'));
    await until(() => runner.calls.length === 1, 'a check after the rename');
  });

  it('aborts a running check when a newer save arrives, then checks again', async () => {
    const runner = start({ scripts: [failing(), passing()] });
    await press('w');
    save('first\n');
    await until(() => runner.calls.length === 1);
    runner.step(1);
    save('second\n');
    await until(() => runner.calls.length === 2, 'the second check');
    expect(runner.calls[0]!.signal!.aborted).toBe(true);
    runner.finish();
    await until(() => frame().includes('Level 00 passed'));
    expect(saved().levels['00']!.verdict).toBe('pass');
  });

  it('does not re-check after its own reset', async () => {
    const runner = start();
    await press('w', 'r', 'y');
    await tick(150);
    expect(runner.calls).toHaveLength(0);
  });
});
