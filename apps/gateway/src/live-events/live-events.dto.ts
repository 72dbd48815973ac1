import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** `GET /events` query. */
export class LiveEventsQueryDto {
  @ApiPropertyOptional({
    description: 'Only this hunt’s events (the envelope’s `data.huntId`). Events without a huntId are then not sent.',
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID()
  huntId?: string;

  @ApiPropertyOptional({
    description:
      'Only this call’s events (the envelope’s `data.callId`: a single call’s `events.calls.v1.*`, with `types=calls`).',
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID()
  callId?: string;

  @ApiPropertyOptional({
    description:
      'What to receive, comma separated: a family (`hunts`, `calls`, `media`) or exact event types of one family ' +
      '(`events.hunts.v1.won,events.hunts.v1.connected`); one family per stream. Default `hunts`.',
    example: 'hunts',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  types?: string;

  @ApiPropertyOptional({
    description:
      'As the Last-Event-ID header, for a new EventSource (which sends that header only on its own reconnects); the header wins',
    example: '41',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  lastEventId?: string;

  @ApiPropertyOptional({
    description: 'A ticket from `POST /events/tickets`, instead of the Authorization header (EventSource sends none)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  ticket?: string;
}

export class EventTicketDto {
  @ApiProperty({ description: 'Single use; pass it as `?ticket=` on `GET /events`', example: 'evt_…' })
  ticket: string;

  @ApiProperty({ format: 'date-time', description: 'At most 60 s from now' })
  expiresAt: string;
}
