import { Module } from '@nestjs/common';
import { AudioTap } from './audio-tap';
import { CallDirectory } from './call-directory';
import { ListenHandlers } from './listen.handlers';
import { Listens } from './listens';

/** Which replica holds each call, who listens to which, and the listened calls' audio on NATS. */
@Module({ controllers: [ListenHandlers], providers: [CallDirectory, Listens, AudioTap], exports: [CallDirectory] })
export class ListenModule {}
