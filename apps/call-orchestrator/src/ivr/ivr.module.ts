import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { HuntsModule } from '../hunts/hunts.module';
import { LegsModule } from '../legs/legs.module';
import { IvrExpectSubscriber } from './ivr-expect.subscriber';
import { IvrRunner } from './ivr-runner.service';
import { IvrStepJob } from './ivr-step.job';

/** IVR scripts on answered legs: digits, waits with jitter, expectations met by media signals. */
@Module({
  imports: [HuntsModule, LegsModule, CallsModule],
  providers: [IvrRunner, IvrStepJob, IvrExpectSubscriber],
  exports: [IvrRunner],
})
export class IvrModule {}
