import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat reports CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (ms) a process has used so far; 0 when it is gone. From /proc/<pid>/task/<tid>/schedstat (the
 * scheduler's own run time in ns, exact) where the kernel has it, else /proc/<pid>/stat's user +
 * system ticks, which are sampled and undercount processes that run in bursts shorter than a
 * tick (PostgreSQL backends answering one prepared read).
 */
export function cpuMsOf(pid: number): number {
  try {
    // Every thread's: Node verifies signatures and runs GC on helper threads.
    let runNs = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      runNs += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]) || 0;
    }
    if (runNs > 0) return runNs / 1e6;
  } catch {
    // no schedstat (or the process is gone): fall back to the tick counts
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU a process used since `beforeMs`; 0 for one that exited meanwhile. Pools close idle connections
 * (pg's idle timeout is 10 s, a round of the other variant is longer), and an exited PostgreSQL backend
 * reads as 0: taking `0 - before` would charge the round minus everything that backend ever used, which
 * once made the gateway floor's PostgreSQL share look near zero. A backend closed for being idle used
 * next to nothing during the round, so leaving it out loses next to nothing.
 */
function cpuUsedSince(pid: number, beforeMs: number): number {
  const now = cpuMsOf(pid);
  return now > 0 ? Math.max(0, now - beforeMs) : 0;
}

/** The processes whose CPU one variant of a benchmark is charged with, by role (gateway, auth, ...). */
export type ProcessRoles = Record<string, () => number[] | Promise<number[]>>;

/** CPU per request (ms) by role over `run`, from /proc CPU time deltas divided by the requests served. */
export async function cpuPerRequest<T extends { requests: number }>(
  roles: ProcessRoles,
  run: () => Promise<T>,
): Promise<{ result: T; cpuMsPerRequest: Record<string, number> }> {
  const pids: Record<string, number[]> = {};
  for (const [role, find] of Object.entries(roles)) pids[role] = await find();
  const before = new Map<number, number>();
  for (const list of Object.values(pids)) for (const pid of list) before.set(pid, cpuMsOf(pid));
  const result = await run();
  const cpuMsPerRequest: Record<string, number> = {};
  for (const [role, list] of Object.entries(pids)) {
    const used = list.reduce((total, pid) => total + cpuUsedSince(pid, before.get(pid) ?? 0), 0);
    cpuMsPerRequest[role] = Math.round((used / Math.max(1, result.requests)) * 1000) / 1000;
  }
  return { result, cpuMsPerRequest };
}
