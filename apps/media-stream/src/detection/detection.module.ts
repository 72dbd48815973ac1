import { Module } from '@nestjs/common';
import { LineMemoryModule } from '../line-memory/line-memory.module';
import { DetectionMetrics } from './detection.metrics';
import { DetectionService } from './detection.service';
import { LiveHumanPublisher } from './live-human.publisher';
import { SignalPublisher } from './signal.publisher';

/** What each stream's audio is, and the live-human decision: `media.v1.signals.<callId>` and the durable event. */
@Module({
  imports: [LineMemoryModule],
  providers: [DetectionMetrics, SignalPublisher, LiveHumanPublisher, DetectionService],
  exports: [LiveHumanPublisher],
})
export class DetectionModule {}
