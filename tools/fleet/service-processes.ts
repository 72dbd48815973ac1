import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { formatChildLine } from './console-output';
import { hasExited, killProcessGroupNow, stopProcessGroup } from './process-control';

export interface ServiceProcessOptions {
  name: string;
  entry: string;
  env: NodeJS.ProcessEnv;
  baseUrl: string;
  /** Called when the process ends without being asked to. */
  onUnexpectedExit: (service: ServiceProcess, description: string) => void;
  /** Where its lines go, prefixed with its name (default: this process's stdout and stderr). */
  output?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
}

/** One service of the fleet running as `node dist/apps/<name>/src/main.js`, its output relayed line by line. */
export class ServiceProcess {
  private readonly child: ChildProcess;
  private stopRequested = false;

  constructor(readonly options: ServiceProcessOptions) {
    // Same Node as the fleet (Node 24 from node_modules), own process group: a terminal Ctrl-C
    // reaches only the fleet, which then stops every service in order.
    this.child = spawn(process.execPath, [options.entry], {
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.relay(this.child.stdout, options.output?.stdout ?? process.stdout);
    this.relay(this.child.stderr, options.output?.stderr ?? process.stderr);
    this.child.once('exit', (code, signal) => {
      if (!this.stopRequested) options.onUnexpectedExit(this, signal ? `killed by ${signal}` : `exit code ${code}`);
    });
    this.child.once('error', (error) => {
      if (!this.stopRequested) options.onUnexpectedExit(this, `could not run: ${error.message}`);
    });
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  isRunning(): boolean {
    return !hasExited(this.child);
  }

  private relay(from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream): void {
    if (!from) return;
    createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      to.write(`${formatChildLine(this.name, line)}\n`);
    });
  }

  /** Asks for a graceful shutdown (SIGTERM: the service finishes in-flight work), SIGKILL after `graceMs`. */
  stop(graceMs: number): Promise<void> {
    this.stopRequested = true;
    return stopProcessGroup(this.child, graceMs);
  }

  killNow(): void {
    this.stopRequested = true;
    killProcessGroupNow(this.child);
  }
}

export type ReadinessProbe = (url: string) => Promise<{ ok: boolean; detail: string }>;

/** GET <url>/health/ready: ready on 200; otherwise the status and the first words of the answer. */
export const httpReadinessProbe: ReadinessProbe = async (baseUrl) => {
  try {
    const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(3_000) });
    const body = (await response.text()).replace(/\s+/g, ' ').slice(0, 300);
    return { ok: response.status === 200, detail: `HTTP ${response.status} ${body}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, detail: cause ?? (error as Error).message };
  }
};

export type ReadinessOutcome =
  | { ready: true }
  | { ready: false; reason: 'timeout'; notReady: { name: string; detail: string }[] }
  | { ready: false; reason: 'exited'; exited: string[] }
  | { ready: false; reason: 'aborted' };

/**
 * Polls every service's readiness until all answer 200. Gives up early when one of them exits
 * (it will not become ready) or when `aborted()` says the fleet is stopping.
 */
export async function waitForReadiness(
  services: readonly ServiceProcess[],
  timeoutMs: number,
  aborted: () => boolean,
  probe: ReadinessProbe = httpReadinessProbe,
): Promise<ReadinessOutcome> {
  const deadline = Date.now() + timeoutMs;
  const details = new Map<string, string>();
  const pending = new Set(services);
  while (pending.size > 0) {
    if (aborted()) return { ready: false, reason: 'aborted' };
    const exited = services.filter((s) => !s.isRunning()).map((s) => s.name);
    if (exited.length) return { ready: false, reason: 'exited', exited };
    if (Date.now() > deadline) {
      return {
        ready: false,
        reason: 'timeout',
        notReady: [...pending].map((s) => ({ name: s.name, detail: details.get(s.name) ?? 'no answer yet' })),
      };
    }
    await Promise.all(
      [...pending].map(async (service) => {
        const result = await probe(service.baseUrl);
        details.set(service.name, result.detail);
        if (result.ok) pending.delete(service);
      }),
    );
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return { ready: true };
}
