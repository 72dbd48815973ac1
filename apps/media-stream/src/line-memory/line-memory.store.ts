import { KvBuckets } from '@callfleet/contracts';
import { KvStoreService, MetricsService } from '@callfleet/platform';
import { type KV, KvWatchInclude } from '@nats-io/kv';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { KvWatch } from '../shared/kv-watch';
import { lineMemoryKey } from './line-key';
import { SharedLineMemory } from './shared-line-memory';

/** A line is dialed again the next days (a hunt per day): its memory outlives any one hunt. */
export const LINE_MEMORY_TTL_MS = 30 * 24 * 3600_000;
/** A burst of fingerprints (an announcement segmenting) becomes one write. */
export const LINE_MEMORY_WRITE_DEBOUNCE_MS = 2_000;
/** Writes lost to another replica's concurrent write are merged and tried again this often. */
const MAX_WRITE_ATTEMPTS = 5;

/** A stored value that is not JSON (a corrupt write) counts as nothing stored: the next write replaces it. */
function parsedOrNothing(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** One line's memory held by this replica while sessions use it. */
export interface LineMemoryLease {
  readonly memory: SharedLineMemory;
  /** Settles once the stored memory was merged in (or could not be read: the line then learns from now). */
  readonly loaded: Promise<void>;
  /** The session ended: writes what it taught the line, and lets the line go when no session uses it. */
  release(): Promise<void>;
}

interface HeldLine {
  key: string;
  memory: SharedLineMemory;
  users: number;
  loaded: Promise<void>;
  dirty: boolean;
  timer?: NodeJS.Timeout;
  /** Writes of one line run one after another (each merges the stored copy first). */
  writing: Promise<void>;
}

/**
 * The detector's memory of each dialed line, per (org, line): one copy per replica shared by all
 * its sessions of that line, persisted in the `media-line-memory` bucket. Loaded when the first
 * session of the line starts, written back (debounced, and at each session's end) with a
 * compare-and-set on the entry's revision that merges the stored copy first, so two replicas
 * learning the same line at once both keep what they learned; a watch merges other replicas'
 * writes into the copy held here while a session uses it.
 */
@Injectable()
export class LineMemoryStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LineMemory');
  private readonly lines = new Map<string, HeldLine>();
  private readonly watch: KvWatch;
  private readonly loads: Counter<'outcome'>;
  private readonly writes: Counter<'outcome'>;

  constructor(
    private readonly kv: KvStoreService,
    metrics: MetricsService,
  ) {
    this.loads = metrics.counter(
      'callfleet_media_line_memory_loads_total',
      'Line memories read from NATS KV when a line’s first session started, by outcome',
      ['outcome'],
    );
    this.writes = metrics.counter(
      'callfleet_media_line_memory_writes_total',
      'Line memory writes to NATS KV, by outcome (conflict: another replica wrote first; merged and retried)',
      ['outcome'],
    );
    this.watch = new KvWatch(
      () => this.bucket(),
      (entry) => {
        const held = this.lines.get(entry.key);
        if (held && entry.operation === 'PUT') held.memory.merge(parsedOrNothing(entry.string()));
      },
      this.logger,
      { include: KvWatchInclude.UpdatesOnly },
    );
  }

  bucket(): Promise<KV> {
    return this.kv.bucket(KvBuckets.MEDIA_LINE_MEMORY, { ttlMs: LINE_MEMORY_TTL_MS });
  }

  onApplicationBootstrap(): void {
    this.watch.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushAll();
    await this.watch.stop();
  }

  /** Writes every held line that learned something since its last write. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.lines.values()].map((held) => this.flush(held)));
  }

  /** Lines held now (tests and metrics). */
  get heldLines(): number {
    return this.lines.size;
  }

  acquire(orgId: string, line: string): LineMemoryLease {
    const key = lineMemoryKey(orgId, line);
    let held = this.lines.get(key);
    if (!held) {
      const memory = new SharedLineMemory();
      const created: HeldLine = {
        key,
        memory,
        users: 0,
        loaded: Promise.resolve(),
        dirty: false,
        writing: Promise.resolve(),
      };
      created.loaded = this.load(created);
      memory.onChange(() => this.changed(created));
      this.lines.set(key, created);
      held = created;
    }
    held.users++;
    const lease = held;
    let released = false;
    return {
      memory: lease.memory,
      loaded: lease.loaded,
      release: async () => {
        if (released) return;
        released = true;
        lease.users--;
        await this.flush(lease);
        if (lease.users === 0 && this.lines.get(key) === lease) {
          clearTimeout(lease.timer);
          this.lines.delete(key);
        }
      },
    };
  }

  private async load(held: HeldLine): Promise<void> {
    try {
      const entry = await (await this.bucket()).get(held.key);
      if (entry?.operation === 'PUT') {
        held.memory.merge(parsedOrNothing(entry.string()));
        this.loads.inc({ outcome: 'found' });
      } else {
        this.loads.inc({ outcome: 'empty' });
      }
    } catch (error) {
      this.loads.inc({ outcome: 'failed' });
      this.logger.warn(`line memory ${held.key} not loaded, the line learns from now: ${String(error)}`);
    }
  }

  private changed(held: HeldLine): void {
    held.dirty = true;
    if (held.timer) return;
    held.timer = setTimeout(() => {
      held.timer = undefined;
      void this.flush(held);
    }, LINE_MEMORY_WRITE_DEBOUNCE_MS);
    held.timer.unref();
  }

  /** Writes the line if it learned something since the last write. */
  private flush(held: HeldLine): Promise<void> {
    held.writing = held.writing.then(async () => {
      if (!held.dirty) return;
      await held.loaded;
      held.dirty = false;
      try {
        await this.write(held);
      } catch (error) {
        // Kept for the next write: what this replica learned is not lost with one failed write.
        held.dirty = true;
        this.writes.inc({ outcome: 'failed' });
        this.logger.warn(`line memory ${held.key} not written: ${String(error)}`);
      }
    });
    return held.writing;
  }

  private async write(held: HeldLine): Promise<void> {
    const kv = await this.bucket();
    for (let attempt = 1; ; attempt++) {
      const stored = await kv.get(held.key);
      if (stored?.operation === 'PUT') held.memory.merge(parsedOrNothing(stored.string()));
      const data = JSON.stringify(held.memory.toJSON());
      try {
        if (stored) await kv.update(held.key, data, stored.revision);
        else await kv.create(held.key, data);
        this.writes.inc({ outcome: 'ok' });
        return;
      } catch (error) {
        if (attempt >= MAX_WRITE_ATTEMPTS || !/wrong last sequence|key exists/i.test(String(error))) throw error;
        this.writes.inc({ outcome: 'conflict' });
      }
    }
  }
}
