import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time (ms) a process has used so far; 0 when it is gone. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Pids of the running processes whose command name is `name` (e.g. nats-server). */
export function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
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
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuMsOf(pid), 0);
  const before = Object.fromEntries(Object.entries(pids).map(([role, list]) => [role, sum(list)]));
  const result = await run();
  const cpuMsPerRequest: Record<string, number> = {};
  for (const [role, list] of Object.entries(pids)) {
    const used = sum(list) - before[role];
    cpuMsPerRequest[role] = Math.round((used / Math.max(1, result.requests)) * 1000) / 1000;
  }
  return { result, cpuMsPerRequest };
}
