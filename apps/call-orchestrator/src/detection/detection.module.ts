import { Module } from '@nestjs/common';
import { HuntsModule } from '../hunts/hunts.module';
import { LiveHumanConsumer } from './live-human.consumer';

/** What says a leg has a person on it: media-stream's decisions here, AMD in ingress/, people through hunts.v1.confirm-human. */
@Module({ imports: [HuntsModule], providers: [LiveHumanConsumer] })
export class DetectionModule {}
