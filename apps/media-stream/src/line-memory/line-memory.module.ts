import { Module } from '@nestjs/common';
import { LineMemoryStore } from './line-memory.store';

/** What the detector learned per dialed line, shared by this replica's sessions and persisted in NATS KV. */
@Module({ providers: [LineMemoryStore], exports: [LineMemoryStore] })
export class LineMemoryModule {}
