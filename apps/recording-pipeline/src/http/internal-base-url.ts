import type { AddressInfo } from 'node:net';
import { DEFAULT_HTTP_PORTS, ServiceName } from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RecordingPipelineConfig } from '../recording-pipeline.config';

/**
 * How the fleet (the gateway) reaches this service's HTTP port: RECORDING_INTERNAL_BASE_URL, else in
 * production its service name (compose and Kubernetes both resolve it), else where it listens (dev, tests).
 */
@Injectable()
export class InternalBaseUrl {
  constructor(
    private readonly config: RecordingPipelineConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get(): string {
    const { RECORDING_INTERNAL_BASE_URL, NODE_ENV, HTTP_HOST, PORT } = this.config;
    if (RECORDING_INTERNAL_BASE_URL) return RECORDING_INTERNAL_BASE_URL.replace(/\/+$/, '');
    const port = PORT ?? DEFAULT_HTTP_PORTS[ServiceName.RECORDING_PIPELINE];
    if (NODE_ENV === 'production') return `http://${ServiceName.RECORDING_PIPELINE}:${port}`;
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo | null;
    const host = HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : HTTP_HOST;
    return `http://${host}:${address?.port ?? port}`;
  }
}
