import { IdParamDto, OkDto } from '../auth/auth.dto';
import { defineCommand, NO_BODY } from '../nats/command-descriptor';
import {
  ListRecordingsDto,
  RecordingContentLinkDto,
  RecordingDto,
  RecordingListDto,
  RecordingObjectLinkRequestDto,
  RecordingUrlDto,
  RecordingUrlRequestDto,
} from './recording.dto';
import { RecordingRetentionDto, SetRecordingRetentionDto } from './recording-retention.dto';

/**
 * recording-pipeline's commands (queue group `recording-pipeline`), scoped to the caller's org
 * (fleet headers): every role reads, owners and admins delete and set the retention. Another org's id
 * answers NOT_FOUND.
 * The gateway exposes them as `/api/v1/recordings`.
 */
export const RecordingCommands = {
  List: defineCommand({
    subject: 'recordings.v1.list',
    request: ListRecordingsDto,
    response: RecordingListDto,
    public: true,
  }),
  Get: defineCommand({ subject: 'recordings.v1.get', request: IdParamDto, response: RecordingDto, public: true }),
  Url: defineCommand({
    subject: 'recordings.v1.url',
    request: RecordingUrlRequestDto,
    response: RecordingUrlDto,
    public: true,
  }),
  Delete: defineCommand({ subject: 'recordings.v1.delete', request: IdParamDto, response: OkDto, public: true }),
  /** The org's retention: public like the rest, so a team's own tooling can read and set it too. */
  RetentionGet: defineCommand({
    subject: 'recordings.v1.retention.get',
    request: NO_BODY,
    response: RecordingRetentionDto,
    public: true,
  }),
  RetentionSet: defineCommand({
    subject: 'recordings.v1.retention.set',
    request: SetRecordingRetentionDto,
    response: RecordingRetentionDto,
    public: true,
  }),
  /** Fleet only (the gateway's `/content`): a link to the pipeline's own HTTP port, not the store's. */
  ContentLink: defineCommand({
    subject: 'recordings.v1.content-link',
    request: IdParamDto,
    response: RecordingContentLinkDto,
  }),
  /**
   * Fleet only (the gateway's signed object URLs of the local store, served without a bearer): checks
   * the signature and expiry, and answers a link to the pipeline's HTTP port like ContentLink's.
   */
  ObjectLink: defineCommand({
    subject: 'recordings.v1.object-link',
    request: RecordingObjectLinkRequestDto,
    response: RecordingContentLinkDto,
  }),
} as const;
