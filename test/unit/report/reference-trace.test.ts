import { describe, expect, it } from 'vitest';
import { loadLevels } from '../../../src/lessons.js';
import { comparableCalls, passTrace, readReferenceTrace, solutionSha256 } from '../../../src/report/reference-trace.js';
import { outcomeOf, result } from '../tui/fixture.js';

describe("the reference solutions' traces (lessons/NN-*/solution.trace)", () => {
  it.each(loadLevels().map((l) => [l.id, l] as const))('level %s has one, recorded from its solution.ts as it is now', (id, level) => {
    const reference = readReferenceTrace(level);
    expect(reference, `no solution.trace: run rubber-workshop dev traces ${id}`).toBeDefined();
    expect(reference!.solutionSha256, `solution.ts changed since: run rubber-workshop dev traces ${id}`).toBe(solutionSha256(level));
    expect(reference!.check).toMatch(new RegExp(`^${id}/`));
    expect(reference!.trace).toMatch(/^[ *]init \d+ /m);
  });
});

describe('comparableCalls', () => {
  it('leaves out PIDs, the container id whatever its form, and the probe marker; keeps the rest', () => {
    const trace = [
      ' parent 24 unshare(CLONE_NEWPID) = 0',
      '*init 1 sethostname("box-7") = 0',
      '*init 1 mount("overlay", "/workshop/containers/box-7/merged", "overlay", MS_NODEV, "lowerdir=/workshop/containers/images/busybox") = 0',
      ' init 1 execve("/bin/sh", ["/bin/sh","-c","echo; exec sleep 3712.90210"])',
    ].join('\n');
    expect(comparableCalls(trace)).toEqual([
      'parent unshare(CLONE_NEWPID) = 0',
      'init sethostname("<id>") = 0',
      'init mount("overlay", "/workshop/containers/<id>/merged", "overlay", MS_NODEV, "lowerdir=/workshop/containers/images/busybox") = 0',
      'init execve("/bin/sh", ["/bin/sh","-c","echo; exec sleep <marker>"])',
    ]);
  });
});

describe('passTrace', () => {
  it("is the trace of the level's first passed check that carries one", () => {
    const outcome = outcomeOf('02', [
      result('01', 'image-root', 'pass', { trace: ' init 1 chroot("/r") = 0' }),
      result('02', 'mount-namespace', 'fail', { trace: '!init 1 unshare(CLONE_NEWNS) = 0' }),
      result('02', 'inside-mounts-private', 'pass'),
      result('02', 'dev-null', 'pass', { trace: '*init 1 mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) = 0' }),
    ]);
    expect(passTrace(outcome, '02')).toEqual({ check: '02/dev-null', trace: '*init 1 mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) = 0' });
    expect(passTrace(outcome, '03')).toBeUndefined();
  });
});
