import 'reflect-metadata';
import { runService } from '@callfleet/platform';
import { telephonySimService } from './telephony-sim.definition';

runService(telephonySimService);
