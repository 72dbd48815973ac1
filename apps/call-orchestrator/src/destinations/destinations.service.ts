import { type DestinationSpec, ErrorCode } from '@callfleet/contracts';
import { orgScoped } from '@callfleet/persistence';
import { AppException } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DestinationEntity } from './destination.entity';

/** A destination's spec with its id: what a hunt stores as the place its winner goes. */
export type ResolvedDestination = DestinationSpec & { id: string };

/** Where won calls go, per organization: one of them is the default. */
@Injectable()
export class DestinationsService {
  private readonly orgDestinations;

  constructor(dataSource: DataSource) {
    this.orgDestinations = orgScoped(dataSource.getRepository(DestinationEntity));
  }

  /**
   * The destination a hunt hands off to: the one named, or the org's default. Another org's id is
   * NOT_FOUND; an org without a default (and no id given) gets a VALIDATION_ERROR that says so.
   */
  async resolve(orgId: string, destinationId?: string): Promise<ResolvedDestination> {
    if (destinationId) {
      return toResolvedDestination(await this.orgDestinations(orgId).getOne({ id: destinationId }, 'Destination'));
    }
    const fallback = await this.orgDestinations(orgId).findOne({ isDefault: true });
    if (!fallback) {
      throw new AppException(
        ErrorCode.VALIDATION_ERROR,
        'No default destination: name a destinationId, or make one of the destinations the default',
        { fields: [{ field: 'destinationId', problems: ['the organization has no default destination'] }] },
      );
    }
    return toResolvedDestination(fallback);
  }
}

/** The spec of a stored destination (only its kind's fields; the table's CHECK guarantees they are set). */
export function toResolvedDestination(row: DestinationEntity): ResolvedDestination {
  if (row.kind === 'sip') return { id: row.id, kind: 'sip', uri: row.uri ?? '' };
  return {
    id: row.id,
    kind: 'phone',
    number: row.number ?? '',
    ...(row.sendDigits ? { sendDigits: row.sendDigits } : {}),
  };
}
