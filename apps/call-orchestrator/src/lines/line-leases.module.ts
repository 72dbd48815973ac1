import { Module } from '@nestjs/common';
import { LineLeaseReclaimJob } from './line-lease-reclaim.job';
import { LineLeases } from './line-leases.repository';

/** Line leases: taken atomically by a hunt, given back whatever happens, reclaimed when expired. */
@Module({ providers: [LineLeases, LineLeaseReclaimJob], exports: [LineLeases] })
export class LineLeasesModule {}
