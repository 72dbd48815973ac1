import { Injectable } from '@nestjs/common';

export interface ApiRequestRecord {
  at: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

const KEPT = 2000;
const PROVIDER_PATHS = /^\/(2010-04-01|v1|restapi|exotel)\//;

/**
 * Every provider API request the simulator answered, newest last, including those refused before
 * any call existed (a failing-API scenario, bad credentials), which no call's history holds.
 */
@Injectable()
export class ApiRequestLog {
  private readonly records: ApiRequestRecord[] = [];

  isProviderPath(path: string): boolean {
    return PROVIDER_PATHS.test(path);
  }

  add(record: ApiRequestRecord): void {
    this.records.push(record);
    if (this.records.length > KEPT) this.records.splice(0, this.records.length - KEPT);
  }

  list(pathContains?: string): ApiRequestRecord[] {
    return pathContains ? this.records.filter((r) => r.path.includes(pathContains)) : [...this.records];
  }

  reset(): void {
    this.records.length = 0;
  }
}
