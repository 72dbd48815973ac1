import type { AddressInfo } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RecordingPipelineConfig } from '../recording-pipeline.config';

/** How the fleet reaches this service's HTTP port: the configured base, or (dev and tests) where it listens. */
@Injectable()
export class InternalBaseUrl {
  constructor(
    private readonly config: RecordingPipelineConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get(): string {
    if (this.config.RECORDING_INTERNAL_BASE_URL) return this.config.RECORDING_INTERNAL_BASE_URL.replace(/\/+$/, '');
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo | null;
    const host = this.config.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : this.config.HTTP_HOST;
    return `http://${host}:${address?.port ?? this.config.PORT}`;
  }
}
