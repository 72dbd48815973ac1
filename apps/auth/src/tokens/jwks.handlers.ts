import { AuthSubjects, type JwksDto } from '@callfleet/contracts';
import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { SigningKeySet } from './signing-keys';

@Controller()
export class JwksHandlers {
  constructor(private readonly keys: SigningKeySet) {}

  /** Public keys for local verification by the gateway and media-stream. */
  @MessagePattern(AuthSubjects.JWKS)
  jwks(): JwksDto {
    return this.keys.jwks();
  }
}
