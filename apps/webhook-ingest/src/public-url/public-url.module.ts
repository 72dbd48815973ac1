import { Module } from '@nestjs/common';
import { PublicBaseUrl } from './public-base-url';

@Module({ providers: [PublicBaseUrl], exports: [PublicBaseUrl] })
export class PublicUrlModule {}
