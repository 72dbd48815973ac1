import {
  ErrorCode,
  type ListRecordingsDto,
  RECORDING_URL_MAX_TTL_SECONDS,
  type RecordingContentLinkDto,
  type RecordingDeletedData,
  type RecordingDto,
  RecordingEvents,
  type RecordingListDto,
  type RecordingObjectLinkRequestDto,
  type RecordingUrlDto,
} from '@callfleet/contracts';
import { decodePageCursor, JobScheduler, Outbox, orgScoped, toPage } from '@callfleet/persistence';
import { AppException, Clock, MANAGER_ROLES, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { Brackets, DataSource, type EntityManager, type Repository } from 'typeorm';
import { signContentLink } from '../content/content-link';
import { InternalBaseUrl } from '../http/internal-base-url';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { RecordingStore } from '../storage/recording-store';
import { signedObjectUrl, verifyObjectUrlSignature } from '../storage/signed-object-url';
import { OBJECT_URL_PATH } from '../storage/storage.module';
import { RecordingEntity } from './recording.entity';

export const DELETE_OBJECT_JOB = 'recording-pipeline.delete-object';
const DEFAULT_PAGE = 100;
const DEFAULT_URL_TTL_SECONDS = 300;
/** The gateway starts streaming at once; the link only has to outlive that request's start. */
const CONTENT_LINK_TTL_MS = 60_000;

/** Recordings of one organization: read by every role, deleted by its managers. */
@Injectable()
export class RecordingsService {
  private readonly logger = new Logger('Recordings');
  private readonly recordings: Repository<RecordingEntity>;
  private readonly orgRecordings;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: RecordingStore,
    private readonly outbox: Outbox,
    private readonly scheduler: JobScheduler,
    private readonly clock: Clock,
    private readonly config: RecordingPipelineConfig,
    private readonly internalBase: InternalBaseUrl,
  ) {
    this.recordings = dataSource.getRepository(RecordingEntity);
    this.orgRecordings = orgScoped(this.recordings);
  }

  async list(orgId: string, dto: ListRecordingsDto): Promise<RecordingListDto> {
    const limit = dto.limit ?? DEFAULT_PAGE;
    const query = this.recordings
      .createQueryBuilder('r')
      .where('r.org_id = :orgId', { orgId })
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1);
    if (dto.callId) {
      query.andWhere(
        new Brackets((q) =>
          q.where('r.provider_call_id = :callId', { callId: dto.callId }).orWhere('r.call_id::text = :callId'),
        ),
      );
    }
    if (dto.huntId) query.andWhere('r.hunt_id = :huntId', { huntId: dto.huntId });
    if (dto.from) query.andWhere('r.created_at >= :from', { from: dto.from });
    if (dto.to) query.andWhere('r.created_at < :to', { to: dto.to });
    if (dto.cursor) {
      const after = decodePageCursor(dto.cursor);
      query.andWhere('(r.created_at, r.id) < (:afterAt, :afterId)', { afterAt: after.createdAt, afterId: after.id });
    }
    return toPage(await query.getMany(), limit, toRecordingDto);
  }

  async get(orgId: string, id: string): Promise<RecordingDto> {
    return toRecordingDto(await this.orgRecordings(orgId).getOne({ id }, 'Recording'));
  }

  /** A GET URL of the stored object, from the store itself (presigned S3, or the local driver's signed URL). */
  async url(orgId: string, id: string, ttlSeconds = DEFAULT_URL_TTL_SECONDS): Promise<RecordingUrlDto> {
    const row = await this.storedRecording(orgId, id);
    return this.store.presignGet(row.objectKey, Math.min(ttlSeconds, RECORDING_URL_MAX_TTL_SECONDS));
  }

  /** Where the gateway streams the content from: this service's HTTP port, with a short signed token. */
  async contentLink(orgId: string, id: string): Promise<RecordingContentLinkDto> {
    const row = await this.storedRecording(orgId, id);
    const expiresAtMs = this.clock.nowMs() + CONTENT_LINK_TTL_MS;
    const token = signContentLink({ recordingId: row.id, orgId, expiresAtMs }, this.config.RECORDING_LINK_SECRET);
    return {
      url: `${this.internalBase.get()}/recordings/content?link=${token}`,
      expiresAt: new Date(expiresAtMs).toISOString(),
      contentType: row.contentType ?? 'application/octet-stream',
      bytes: row.bytes ?? 0,
    };
  }

  /**
   * Where the gateway streams a local driver's signed object URL from (it serves them without a
   * bearer): the same signed URL on this service's port, once signature and expiry are checked here,
   * where the secret lives. As S3 does, an expired or forged URL is FORBIDDEN and neither says more.
   */
  async objectLink(dto: RecordingObjectLinkRequestDto): Promise<RecordingContentLinkDto> {
    const verdict = verifyObjectUrlSignature(
      dto.key,
      { expires: String(dto.expires), signature: dto.signature },
      this.config.RECORDING_LINK_SECRET,
      this.clock.nowMs(),
    );
    if (verdict !== 'valid') throw new AppException(ErrorCode.FORBIDDEN, 'Request has expired or is not signed');
    const head = await this.store.head(dto.key);
    if (!head) throw new AppException(ErrorCode.NOT_FOUND, 'Object not found');
    return {
      url: signedObjectUrl(
        `${this.internalBase.get()}${OBJECT_URL_PATH}`,
        dto.key,
        dto.expires,
        this.config.RECORDING_LINK_SECRET,
      ),
      expiresAt: new Date(dto.expires * 1000).toISOString(),
      contentType: head.contentType,
      bytes: head.bytes,
    };
  }

  /** The stored row a content link names, or undefined (deleted since, or never this org's). */
  async storedForLink(orgId: string, id: string): Promise<RecordingEntity | undefined> {
    const row = await this.orgRecordings(orgId).findOne({ id });
    return row?.state === 'stored' ? row : undefined;
  }

  /** Owners and admins: the row goes now (with its audit event), the object by a durable job right after. */
  async delete(caller: OrgCaller, id: string): Promise<void> {
    requireRole(caller, MANAGER_ROLES);
    const row = await this.orgRecordings(caller.orgId).getOne({ id }, 'Recording');
    await this.dataSource.transaction((manager) => this.remove(manager, [row], 'user', caller.userId ?? null));
    this.logger.log({ msg: 'recording deleted', recordingId: row.id, orgId: row.orgId, deletedBy: caller.userId });
  }

  /**
   * Deletes rows in `manager`'s transaction, with their `deleted` events and a job per object: the
   * object is removed only once the row is gone for good, and a crash in between leaves the job to
   * finish it, so no row ever points at a missing object and no object outlives its row.
   */
  async remove(
    manager: EntityManager,
    rows: RecordingEntity[],
    reason: RecordingDeletedData['reason'],
    deletedBy: string | null,
  ): Promise<void> {
    for (const row of rows) {
      await manager.delete(RecordingEntity, { id: row.id, orgId: row.orgId });
      await this.scheduler.schedule(
        DELETE_OBJECT_JOB,
        this.clock.now(),
        { objectKey: row.objectKey },
        { key: `delete-object:${row.id}`, manager },
      );
      const data: RecordingDeletedData = {
        recordingId: row.id,
        provider: row.provider,
        providerRecordingId: row.providerRecordingId,
        providerCallId: row.providerCallId,
        reason,
        deletedBy,
      };
      await this.outbox.add(manager, RecordingEvents.DELETED, data, { orgId: row.orgId, orderKey: row.id });
    }
  }

  private async storedRecording(orgId: string, id: string): Promise<RecordingEntity> {
    const row = await this.orgRecordings(orgId).getOne({ id }, 'Recording');
    if (row.state !== 'stored') {
      throw new AppException(ErrorCode.STATE_CONFLICT, `The recording is ${row.state}, not stored yet`);
    }
    return row;
  }
}

export function toRecordingDto(row: RecordingEntity): RecordingDto {
  return {
    id: row.id,
    state: row.state,
    provider: row.provider,
    accountKey: row.accountKey,
    providerRecordingId: row.providerRecordingId,
    providerCallId: row.providerCallId,
    callId: row.callId,
    huntId: row.huntId,
    contentType: row.contentType,
    bytes: row.bytes,
    sha256: row.sha256,
    durationSec: row.durationSec,
    providerDurationSec: row.providerDurationSec,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    storedAt: row.storedAt?.toISOString() ?? null,
  };
}
