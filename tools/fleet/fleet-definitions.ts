import type { ServiceDefinition } from '@callfleet/platform';
import { authService } from '../../apps/auth/src/auth.definition';
import { callOrchestratorService } from '../../apps/call-orchestrator/src/call-orchestrator.definition';
import { gatewayService } from '../../apps/gateway/src/gateway.definition';
import { mediaStreamService } from '../../apps/media-stream/src/media-stream.definition';
import { recordingPipelineService } from '../../apps/recording-pipeline/src/recording-pipeline.definition';
import { telephonySimService } from '../../apps/telephony-sim/src/telephony-sim.definition';
import { webhookIngestService } from '../../apps/webhook-ingest/src/webhook-ingest.definition';

/**
 * Every service of the fleet, in start order. A new service adds its definition here; `npm start`,
 * `npm run migrate`, docker-compose.yml and the Kubernetes manifests (`npm run deploy:generate`) follow.
 */
export const FLEET_DEFINITIONS: readonly ServiceDefinition[] = [
  gatewayService,
  webhookIngestService,
  mediaStreamService,
  authService,
  callOrchestratorService,
  recordingPipelineService,
  telephonySimService,
] as unknown as readonly ServiceDefinition[];
