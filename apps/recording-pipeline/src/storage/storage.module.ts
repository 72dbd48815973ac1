import { Module } from '@nestjs/common';

// Replaced by recstore's module (drivers chosen by RECORDINGS_STORE, readiness indicator) on merge.
@Module({})
export class StorageModule {}
