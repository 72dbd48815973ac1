import 'reflect-metadata';
import { runService } from '@callfleet/platform';
import { authService } from './auth.definition';

runService(authService);
