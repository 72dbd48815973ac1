import type { ChildProcess } from 'node:child_process';

/** A problem the developer can fix; printed as one line, without a stack. */
export class FleetError extends Error {
  override name = 'FleetError';
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export function exited(child: ChildProcess): Promise<void> {
  return hasExited(child) ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Children are spawned detached (their own process group), so the group id is their pid and
    // anything they started goes too.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. Resolves once it has exited. */
export async function stopProcessGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child)) return;
  const gone = exited(child);
  signalGroup(child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const outcome = await Promise.race([gone.then(() => 'gone' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'late') {
    signalGroup(child, 'SIGKILL');
    await gone;
  }
}

export function killProcessGroupNow(child: ChildProcess): void {
  if (!hasExited(child)) signalGroup(child, 'SIGKILL');
}

/** Polls `probe` until it is true or `timeoutMs` passed; tells which. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return probe();
}
