import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (this file is libs/testing/src/built-dist.ts). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

const SOURCE_ROOTS = ['apps', 'libs', 'tools', 'bench'];
const NOT_BUILT = /\.(spec|int-spec|e2e-spec)\.ts$/;

function newestSourceChange(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && path !== join(REPO_ROOT, 'libs', 'testing')) {
        newest = Math.max(newest, newestSourceChange(path));
      }
    } else if (entry.name.endsWith('.ts') && !NOT_BUILT.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function isStale(entries: string[]): boolean {
  const missing = entries.some((e) => !existsSync(join(REPO_ROOT, e)));
  if (missing) return true;
  const oldestEntry = Math.min(...entries.map((e) => statSync(join(REPO_ROOT, e)).mtimeMs));
  const newestSource = Math.max(...SOURCE_ROOTS.map((d) => newestSourceChange(join(REPO_ROOT, d))));
  return newestSource > oldestEntry;
}

/**
 * Makes sure `dist/` matches the sources for tests that run built processes, as `npm start` and the
 * image do. Compiles like `npm run build` (tsc, then tsc-alias) only when a source is newer than one of
 * `entries` (paths under the repository, e.g. `dist/apps/auth/src/main.js`). Type errors do not stop
 * it: tests are transpile-only and `npm run typecheck` owns types, and a colleague's half-done file
 * should not fail an unrelated process test. A lock keeps parallel test runs from building at once.
 */
export async function ensureBuilt(entries: string[]): Promise<void> {
  if (!isStale(entries)) return;
  const bin = join(REPO_ROOT, 'node_modules', '.bin');
  const script = `"${bin}/tsc" -p tsconfig.build.json > /dev/null; exec "${bin}/tsc-alias" -p tsconfig.build.json`;
  await new Promise<void>((resolve, reject) => {
    execFile(
      'flock',
      ['/tmp/callfleet-build.lock', 'sh', '-c', script],
      { cwd: REPO_ROOT, env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` }, timeout: 240_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`build for process tests failed: ${stderr || stdout || error.message}`)) : resolve(),
    );
  });
  const missing = entries.filter((e) => !existsSync(join(REPO_ROOT, e)));
  if (missing.length) throw new Error(`build for process tests did not produce ${missing.join(', ')}`);
}

export interface BuiltProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a built entry point (a path under the repository) with exactly `env` plus PATH, as a container would. */
export function runBuilt(entry: string, env: Record<string, string>): BuiltProcess {
  const child = spawn(process.execPath, [join(REPO_ROOT, entry)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => stdout.push(l));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout, stderr, exit };
}
