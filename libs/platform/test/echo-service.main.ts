import 'reflect-metadata';
import { runService } from '../src';
import { echoService } from './echo.fixture';

/** The echo fixture as its own process, booted like every service's main.ts (for shutdown tests). */
runService(echoService);
