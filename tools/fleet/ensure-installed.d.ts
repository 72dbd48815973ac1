export type InstallState = 'missing' | 'outdated' | 'current';
export function installState(rootDir: string): InstallState;
export function ensureInstalled(
  rootDir: string,
  options?: { env?: NodeJS.ProcessEnv; say?: (line: string) => void },
): number;
