import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInstalled, installState } from './ensure-installed';

const SCRIPT = join(__dirname, 'ensure-installed.js');

const lock = (packages: Record<string, object>) =>
  JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app' }, ...packages } });

/** Stands in for npm: records its arguments and installs what the lock says, as `npm ci` would. */
const FAKE_NPM = `
const { appendFileSync, copyFileSync, mkdirSync } = require('node:fs');
appendFileSync('npm-calls.txt', process.argv.slice(2).join(' ') + '\\n');
mkdirSync('node_modules', { recursive: true });
copyFileSync('package-lock.json', 'node_modules/.package-lock.json');
`;

describe('ensure-installed (prestart, pretest)', () => {
  let dir: string;
  const write = (path: string, content: string, ageSeconds = 0) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
    const at = Date.now() / 1000 - ageSeconds;
    utimesSync(join(dir, path), at, at);
  };
  const npmCalls = () => {
    try {
      return readFileSync(join(dir, 'npm-calls.txt'), 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  };
  /** The script as npm runs it: with npm_execpath naming the npm in charge. */
  const runScript = () =>
    execFileSync(process.execPath, [SCRIPT], {
      cwd: dir,
      env: { ...process.env, npm_execpath: join(dir, 'fake-npm.js') },
      encoding: 'utf8',
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ensure-installed-'));
    write('fake-npm.js', FAKE_NPM);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs npm ci on a fresh clone, and nothing the second time', () => {
    write('package-lock.json', lock({ 'node_modules/a': { version: '1.0.0' } }));
    expect(installState(dir)).toBe('missing');
    expect(ensureInstalled(dir, { env: { npm_execpath: join(dir, 'fake-npm.js') }, say: () => {} })).toBe(0);
    expect(npmCalls()).toEqual(['ci --no-audit --no-fund']);
    expect(installState(dir)).toBe('current');
    ensureInstalled(dir, { env: { npm_execpath: join(dir, 'fake-npm.js') }, say: () => {} });
    expect(npmCalls()).toHaveLength(1);
  });

  it('reinstalls when the lock asks for another version than node_modules holds', () => {
    write('node_modules/.package-lock.json', lock({ 'node_modules/a': { version: '1.0.0' } }), 60);
    write('package-lock.json', lock({ 'node_modules/a': { version: '1.1.0' } }));
    expect(installState(dir)).toBe('outdated');
  });

  it('does not reinstall when a checkout only rewrote the lock, nor for other platforms’ optional builds', () => {
    write(
      'node_modules/.package-lock.json',
      lock({ 'node_modules/a': { version: '1.0.0' }, 'node_modules/swc-linux': { version: '2.0.0' } }),
      60,
    );
    write(
      'package-lock.json',
      lock({
        'node_modules/a': { version: '1.0.0' },
        'node_modules/swc-linux': { version: '2.0.0', optional: true },
        'node_modules/swc-darwin': { version: '2.0.0', optional: true },
      }),
    );
    expect(installState(dir)).toBe('current');
  });

  it('is a no-op after `npm ci` has run (as .ci/run does before npm test)', () => {
    write('package-lock.json', lock({ 'node_modules/a': { version: '1.0.0' } }), 60);
    write('node_modules/.package-lock.json', lock({ 'node_modules/a': { version: '1.0.0' } }));
    expect(runScript()).toBe('');
    expect(npmCalls()).toEqual([]);
  });

  it('as a script, installs through the npm that runs it and says why', () => {
    write('package-lock.json', lock({}));
    expect(runScript()).toContain('no node_modules yet: running npm ci');
    expect(npmCalls()).toEqual(['ci --no-audit --no-fund']);
  });
});
