import { DEFAULT_HTTP_PORTS } from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { ApiRequestLog } from './admin/api-request-log';
import { TelephonySimConfig } from './telephony-sim.config';
import { TelephonySimModule } from './telephony-sim.module';

export const telephonySimService: ServiceDefinition<TelephonySimConfig> = {
  name: 'telephony-sim',
  description: 'Simulated telephony provider (dev and test): Twilio, Exotel and RingCentral wire formats.',
  port: DEFAULT_HTTP_PORTS['telephony-sim'],
  module: TelephonySimModule,
  config: TelephonySimConfig,
  // Connects only for health and discovery (its own inbox and $SRV); nothing of its own on NATS yet.
  nats: {},
  http: {
    configure: (app) => {
      // Requests refused before a call exists (bad credentials, a failing-API scenario) are kept too.
      const log = app.get(ApiRequestLog);
      app
        .getHttpAdapter()
        .getInstance()
        .addHook('onResponse', (request, reply, done) => {
          const path = request.url.split('?')[0];
          if (log.isProviderPath(path)) {
            log.add({
              at: new Date().toISOString(),
              method: request.method,
              path,
              status: reply.statusCode,
              durationMs: Math.round(reply.elapsedTime),
            });
          }
          done();
        });
    },
  },
  deployment: {
    devOnly: true,
    public: true,
    // The URLs it hands out (recordings) must resolve inside the compose network.
    composeEnvironment: { SIM_PUBLIC_URL: 'http://telephony-sim:3900' },
  },
};
