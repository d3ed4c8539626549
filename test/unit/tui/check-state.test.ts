import { describe, expect, it } from 'vitest';
import { applyEvent, crashOutcome, startRun } from '../../../src/tui/check-state.js';
import { outcomeOf, result } from './fixture.js';

describe('applyEvent', () => {
  it('times each stage from its start to the next', () => {
    let run = startRun('01');
    run = applyEvent(run, { type: 'stage', stage: 'bundle' }, 1000);
    run = applyEvent(run, { type: 'stage', stage: 'boot' }, 1400);
    expect(run.stages.map((s) => [s.stage, s.status, s.ms])).toEqual([
      ['bundle', 'done', 400],
      ['save', 'waiting', undefined],
      ['boot', 'running', undefined],
      ['checks', 'waiting', undefined],
    ]);
  });

  it('shows a save of the booted guest when one happens, then starts the boot again', () => {
    let run = applyEvent(startRun('01'), { type: 'stage', stage: 'bundle' }, 0);
    run = applyEvent(run, { type: 'stage', stage: 'boot' }, 100);
    run = applyEvent(run, { type: 'stage', stage: 'save' }, 150);
    expect(run.stages.map((s) => [s.stage, s.status])).toEqual([['bundle', 'done'], ['save', 'running'], ['boot', 'waiting'], ['checks', 'waiting']]);
    run = applyEvent(run, { type: 'stage', stage: 'boot' }, 5150);
    run = applyEvent(run, { type: 'stage', stage: 'checks' }, 5500);
    expect(run.stages.map((s) => [s.stage, s.status, s.ms])).toEqual([
      ['bundle', 'done', 100], ['save', 'done', 5000], ['boot', 'done', 350], ['checks', 'running', undefined],
    ]);
  });

  it('shows a save that failed as failed, and goes on to boot', () => {
    let run = applyEvent(startRun('01'), { type: 'stage', stage: 'save' }, 0);
    run = applyEvent(run, { type: 'saved', ok: false, ms: 900 }, 900);
    run = applyEvent(run, { type: 'stage', stage: 'boot' }, 900);
    expect(run.stages.map((s) => [s.stage, s.status])).toEqual([['bundle', 'waiting'], ['save', 'failed'], ['boot', 'running'], ['checks', 'waiting']]);
  });

  it('fills in a started check with its result', () => {
    let run = startRun('00');
    run = applyEvent(run, { type: 'check-start', level: '00', name: 'a' }, 0);
    run = applyEvent(run, { type: 'check-start', level: '00', name: 'b' }, 0);
    run = applyEvent(run, { type: 'result', result: result('00', 'a', 'pass') }, 0);
    expect(run.checks.map((c) => [c.name, c.result?.status])).toEqual([['a', 'pass'], ['b', undefined]]);
  });

  it('keeps a result that arrives without a start', () => {
    const run = applyEvent(startRun('00'), { type: 'result', result: result('00', 'x', 'fail') }, 0);
    expect(run.checks).toEqual([{ level: '00', name: 'x', started: true, result: result('00', 'x', 'fail') }]);
  });

  it('lists the planned checks first, in the scripts\' order, and keeps that order as they begin and report', () => {
    let run = applyEvent(startRun('01'), { type: 'plan', checks: [{ level: '01', name: 'a' }, { level: '01', name: 'b' }, { level: '00', name: 'c' }] }, 0);
    expect(run.checks.map((c) => [c.name, c.started])).toEqual([['a', false], ['b', false], ['c', false]]);
    // Two VMs: 01/b and 00/c begin before 01/a.
    run = applyEvent(run, { type: 'check-start', level: '01', name: 'b' }, 0);
    run = applyEvent(run, { type: 'check-start', level: '00', name: 'c' }, 0);
    run = applyEvent(run, { type: 'result', result: result('00', 'c', 'pass') }, 0);
    expect(run.checks.map((c) => [c.name, c.started, c.result?.status])).toEqual([['a', false, undefined], ['b', true, undefined], ['c', true, 'pass']]);
  });

  it('keeps only the last lines of the log', () => {
    let run = startRun('00');
    for (let i = 0; i < 30; i++) run = applyEvent(run, { type: 'log', line: `line ${i}` }, 0);
    expect(run.log.at(-1)).toBe('line 29');
    expect(run.log.length).toBeLessThan(30);
  });

  it('ends the running stage and stores the outcome on done', () => {
    let run = applyEvent(startRun('00'), { type: 'stage', stage: 'checks' }, 100);
    const outcome = outcomeOf('00', [result('00', 'a', 'pass')]);
    run = applyEvent(run, { type: 'done', outcome }, 350);
    expect(run.status).toBe('done');
    expect(run.outcome).toBe(outcome);
    expect(run.stages[3]).toMatchObject({ status: 'done', ms: 250 });
  });
});

it('marks the stage a run could not get past as failed', () => {
  let run = applyEvent(startRun('00'), { type: 'stage', stage: 'bundle' }, 0);
  run = applyEvent(run, { type: 'stage', stage: 'boot' }, 10);
  run = applyEvent(run, { type: 'done', outcome: outcomeOf('00', [], { verdict: 'error', error: 'no VM' }) }, 20);
  expect(run.stages.map((s) => s.status)).toEqual(['done', 'waiting', 'failed', 'waiting']);
});

it('turns a thrown error into an error outcome carrying its message', () => {
  expect(crashOutcome('04', new Error('no qemu'))).toMatchObject({ verdict: 'error', level: '04', error: 'no qemu', results: [] });
});
