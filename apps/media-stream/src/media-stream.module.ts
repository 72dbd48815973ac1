import { Module } from '@nestjs/common';

/** Live call audio over WebSocket: decoding, speech/music/silence detection, audio frames on NATS. Features arrive with later issues; the service already boots, answers discovery, health and metrics. */
@Module({ imports: [] })
export class MediaStreamModule {}
