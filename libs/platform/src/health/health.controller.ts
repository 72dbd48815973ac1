import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { NatsConnectionService } from '../nats/nats-connection.service';
import { HealthRegistry, withTimeout } from './dependency-health';

const CHECK_TIMEOUT_MS = 2_000;

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly nats: NatsConnectionService,
    private readonly registry: HealthRegistry,
  ) {}

  /** The process is alive and its event loop turns. Never checks dependencies (no restart storms). */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready to take work: NATS connected and every dependency answering. 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const nats = async () => {
      const session = this.indicators.check('nats');
      if (!this.nats.isConnected()) return session.down({ message: 'not connected' });
      try {
        await withTimeout(this.nats.nc.flush(), CHECK_TIMEOUT_MS, 'nats');
        return session.up();
      } catch (error) {
        return session.down({ message: (error as Error).message });
      }
    };
    const dependencies = this.registry.all().map((dep) => async () => {
      const session = this.indicators.check(dep.name);
      try {
        await withTimeout(dep.check(), CHECK_TIMEOUT_MS, dep.name);
        return session.up();
      } catch (error) {
        return session.down({ message: (error as Error).message });
      }
    });
    return this.health.check([nats, ...dependencies]);
  }
}
