import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { StreamTokenService } from './stream-token.service';
import { StreamTokensHandlers } from './stream-tokens.handlers';

/** Stream tokens for media-stream's WebSockets, signed with the access tokens' keys. */
@Module({
  imports: [TokensModule],
  controllers: [StreamTokensHandlers],
  providers: [StreamTokenService],
})
export class StreamTokensModule {}
