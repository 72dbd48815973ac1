import 'reflect-metadata';
import { runService } from '@callfleet/platform';
import { jobsFixtureService } from './jobs.fixture';

/** The jobs fixture as its own process, booted like every service's main.ts (for kill -9 tests). */
runService(jobsFixtureService);
