import 'reflect-metadata';
import { runService } from '@callfleet/platform';
import { gatewayService } from './gateway.definition';

runService(gatewayService);
