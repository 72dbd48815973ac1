import { AuthCommands, type JwksDto } from '@callfleet/contracts';
import { Command } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { SigningKeySet } from './signing-keys';

@Controller()
export class JwksHandlers {
  constructor(private readonly keys: SigningKeySet) {}

  /** Public keys for local verification by the gateway and media-stream. */
  @Command(AuthCommands.Jwks)
  jwks(): JwksDto {
    return this.keys.jwks();
  }
}
