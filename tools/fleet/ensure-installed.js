/**
 * `npm start` and `npm test` run this first (prestart, pretest): on a fresh clone, or once the lock file
 * asks for other packages than node_modules holds, it runs `npm ci`, so a newcomer types nothing but those
 * two commands. Plain CommonJS without dependencies, since it runs before node_modules exists, on whatever
 * Node the machine has (the project's own Node 24 arrives with the install).
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** npm writes this at the end of every install: what node_modules holds. */
const INSTALLED_LOCK = join('node_modules', '.package-lock.json');

function readPackages(path) {
  return JSON.parse(readFileSync(path, 'utf8')).packages || {};
}

/**
 * Whether every package the lock requires is installed at its locked version. Optional packages
 * (native builds for other platforms) are skipped: npm installs only the ones this machine runs.
 */
function holdsLockedPackages(locked, installed) {
  return Object.entries(locked).every(
    ([path, entry]) => path === '' || entry.optional === true || installed[path]?.version === entry.version,
  );
}

/**
 * 'missing' (no install), 'outdated' (the lock changed since) or 'current'. An install newer than the
 * lock is current; an older one is compared package by package, because a checkout or a worktree
 * rewrites the lock file without changing what it asks for.
 */
function installState(rootDir) {
  const lockPath = join(rootDir, 'package-lock.json');
  const installedPath = join(rootDir, INSTALLED_LOCK);
  if (!existsSync(installedPath)) return 'missing';
  if (!existsSync(lockPath) || statSync(installedPath).mtimeMs >= statSync(lockPath).mtimeMs) return 'current';
  return holdsLockedPackages(readPackages(lockPath), readPackages(installedPath)) ? 'current' : 'outdated';
}

/** Runs `npm ci` with the npm that runs this script (npm_execpath), or the one on the PATH. */
function runNpmCi(rootDir, env) {
  const args = ['ci', '--no-audit', '--no-fund'];
  const result = env.npm_execpath
    ? spawnSync(process.execPath, [env.npm_execpath, ...args], { cwd: rootDir, stdio: 'inherit', env })
    : spawnSync('npm', args, { cwd: rootDir, stdio: 'inherit', env, shell: process.platform === 'win32' });
  return result.status ?? 1;
}

/** Installs when needed; returns the exit code (0 also when nothing was to do). */
function ensureInstalled(rootDir, { env = process.env, say = (line) => process.stdout.write(`${line}\n`) } = {}) {
  const state = installState(rootDir);
  if (state === 'current') return 0;
  say(
    state === 'missing'
      ? 'install | no node_modules yet: running npm ci (once)'
      : 'install | package-lock.json changed since the last install: running npm ci',
  );
  return runNpmCi(rootDir, env);
}

module.exports = { ensureInstalled, installState };

// npm runs scripts from the package's root.
if (require.main === module) process.exit(ensureInstalled(process.cwd()));
