/**
 * Fault points (packages/platform/src/faults/points.ts), issue 10 §3: "named fault points that
 * only the test build enables". Unarmed they do nothing; `WZ_FAULT_POINT` arms one only in the
 * source (test) build outside production; production refuses to start with it set; an armed
 * point kills its process with SIGKILL (a real kill -9) at its nth hit, not before.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { armingFrom, FAULT_POINTS, faultArming, faultPoint, isSourceBuild } from '../../packages/platform/src/faults/points.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const POINTS = new URL('../../packages/platform/src/faults/points.ts', import.meta.url).pathname;
const SRC = new URL('../../packages/platform/src/', import.meta.url).pathname;

/** A node process (through tsx, as `wangzheng start` runs) that loads the module and hits `name` `times` times. */
function hit(env: Record<string, string>, name: string, times = 1): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const script = `const f = await import(${JSON.stringify(POINTS)}); for (let i = 1; i <= ${times}; i++) { f.faultPoint(${JSON.stringify(name)}); console.log('passed ' + i); }`;
  const base = { ...process.env };
  delete base['WZ_FAULT_POINT'];
  delete base['WZ_MODE'];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('Fault points: unarmed, they do nothing', () => {
  it('this test process has none armed, and every point returns', () => {
    expect(faultArming()).toBeUndefined();
    for (const p of FAULT_POINTS) expect(faultPoint(p)).toBeUndefined();
  });

  it('no variable, or an empty one, arms nothing — in any build and mode', () => {
    expect(armingFrom({}, { source: true })).toBeUndefined();
    expect(armingFrom({ WZ_FAULT_POINT: '' }, { source: true })).toBeUndefined();
    expect(armingFrom({ WZ_MODE: 'production' }, { source: false })).toBeUndefined();
  });
});

describe('Fault points: armed only in the test build', () => {
  it('the source build is recognised by the module’s own file, any bundle is not', () => {
    expect(isSourceBuild()).toBe(true);
    expect(isSourceBuild('file:///srv/wz/packages/platform/src/faults/points.ts')).toBe(true);
    expect(isSourceBuild('file:///srv/wz/dist/chunks/platform-3KX2.js')).toBe(false);
    expect(isSourceBuild('file:///srv/wz/dist/points.ts.js')).toBe(false);
  });

  it('WZ_FAULT_POINT=<point>[:<nth>] arms that point at that hit (default the first)', () => {
    expect(armingFrom({ WZ_FAULT_POINT: 'lifecycle.cancel.after-commit' }, { source: true })).toEqual({ name: 'lifecycle.cancel.after-commit', nth: 1 });
    expect(armingFrom({ WZ_FAULT_POINT: 'jobs.ran-before-recorded:3' }, { source: true })).toEqual({ name: 'jobs.ran-before-recorded', nth: 3 });
  });

  it('production refuses: invalid_configuration, whatever the build', () => {
    for (const source of [true, false]) {
      expect(() => armingFrom({ WZ_MODE: 'production', WZ_FAULT_POINT: 'enrollment.issue.before-commit' }, { source })).toThrowError(
        expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('test build only') }),
      );
    }
  });

  it('outside the source build a set variable refuses too (it could not be honoured)', () => {
    expect(() => armingFrom({ WZ_FAULT_POINT: 'enrollment.issue.before-commit' }, { source: false })).toThrowError(expect.objectContaining({ code: 'invalid_configuration' }));
  });

  it('a name not on the closed list, or a bad nth, refuses (a run that arms nothing would test nothing)', () => {
    for (const spec of ['enrollment.issue', 'ENROLLMENT.ISSUE.BEFORE-COMMIT', 'jobs.ran-before-recorded:0', 'jobs.ran-before-recorded:x', 'jobs.ran-before-recorded:1:2']) {
      expect(() => armingFrom({ WZ_FAULT_POINT: spec }, { source: true }), spec).toThrowError(expect.objectContaining({ code: 'invalid_configuration' }));
    }
  });
});

describe('Fault points: an armed point is a real kill -9', () => {
  it('the process dies of SIGKILL at the armed point, saying which', () => {
    const r = hit({ WZ_FAULT_POINT: 'enrollment.issue.before-commit' }, 'enrollment.issue.before-commit');
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('fault point enrollment.issue.before-commit: SIGKILL (hit 1)');
  });

  it('at its nth hit, not before (:3 → two passes, then the kill)', () => {
    const r = hit({ WZ_FAULT_POINT: 'jobs.ran-before-recorded:3' }, 'jobs.ran-before-recorded', 5);
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout.trim().split('\n')).toEqual(['passed 1', 'passed 2']);
  });

  it('other points pass while one is armed', () => {
    const r = hit({ WZ_FAULT_POINT: 'lifecycle.cancel.after-commit' }, 'enrollment.issue.after-commit', 2);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['passed 1', 'passed 2']);
  });

  it('in production the module refuses to load, so nothing starts', () => {
    const r = hit({ WZ_MODE: 'production', WZ_FAULT_POINT: 'enrollment.issue.before-commit' }, 'enrollment.issue.before-commit');
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('fault points exist for the test build only');
  });
});

describe('Fault points of every lifecycle action (issue 10 §3: "every lifecycle action")', () => {
  const LIFECYCLE = [
    'oidc.token.before-commit',
    'oidc.token.after-commit',
    'enrollment.guardian.before-commit',
    'enrollment.guardian.after-commit',
    'person.lock.before-commit',
    'person.lock.after-commit',
    'person.unlock.before-commit',
    'person.unlock.after-commit',
    'lifecycle.renew.before-commit',
    'lifecycle.renew.after-commit',
    'person.phone.before-commit',
    'person.phone.after-commit',
    'lifecycle.transfer.before-commit',
    'lifecycle.transfer.after-commit',
    'lifecycle.ban.before-commit',
    'lifecycle.ban.after-commit',
    'lifecycle.unban.before-commit',
    'lifecycle.unban.after-commit',
  ];

  it('are on the closed list, and each arms by its name (and at its nth hit)', () => {
    expect(FAULT_POINTS).toEqual(expect.arrayContaining(LIFECYCLE));
    expect(new Set(FAULT_POINTS).size).toBe(FAULT_POINTS.length);
    for (const p of LIFECYCLE) {
      expect(armingFrom({ WZ_FAULT_POINT: p }, { source: true })).toEqual({ name: p, nth: 1 });
      expect(armingFrom({ WZ_FAULT_POINT: `${p}:2` }, { source: true })).toEqual({ name: p, nth: 2 });
    }
    expect(() => armingFrom({ WZ_FAULT_POINT: 'lifecycle.renew' }, { source: true })).toThrowError(expect.objectContaining({ code: 'invalid_configuration' }));
  });

  it('each point is placed in the platform file its doc comment names, exactly once there', () => {
    const source = readFileSync(POINTS, 'utf8');
    for (const p of FAULT_POINTS) {
      // The doc comment right above the name starts with the file that holds the point.
      const doc = new RegExp(`/\\*\\* ([a-z-]+/[a-z-]+\\.ts)[^\\n]*\\*/\\n\\s*'${p.replace(/\./g, '\\.')}'`).exec(source);
      expect(doc, p).not.toBeNull();
      const file = readFileSync(`${SRC}${doc![1]}`, 'utf8');
      expect(file.split(`faultPoint('${p}')`).length - 1, `${p} in ${doc![1]}`).toBe(1);
    }
  });

  it('a lifecycle point kills with SIGKILL at its hit like the others', () => {
    const r = hit({ WZ_FAULT_POINT: 'lifecycle.transfer.before-commit:2' }, 'lifecycle.transfer.before-commit', 3);
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout.trim().split('\n')).toEqual(['passed 1']);
    expect(r.stderr).toContain('fault point lifecycle.transfer.before-commit: SIGKILL (hit 2)');
  });
});
