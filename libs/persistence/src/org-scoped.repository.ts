import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import type {
  DeepPartial,
  FindOptionsOrder,
  FindOptionsRelations,
  FindOptionsWhere,
  ObjectLiteral,
  Repository,
} from 'typeorm';

/**
 * A repository view that can only see one organization's rows. Every query gets `orgId` added, so
 * the tenant filter cannot be forgotten; a row of another org is simply not found (404, not 403).
 */
export class OrgScopedRepository<T extends ObjectLiteral & { orgId: string }> {
  constructor(
    private readonly repository: Repository<T>,
    readonly orgId: string,
  ) {
    if (!orgId) throw new AppException(ErrorCode.UNAUTHORIZED, 'No organization in the request context');
  }

  private scope(where: FindOptionsWhere<T> = {}): FindOptionsWhere<T> {
    return { ...where, orgId: this.orgId } as FindOptionsWhere<T>;
  }

  find(where?: FindOptionsWhere<T>, order?: FindOptionsOrder<T>, take?: number): Promise<T[]> {
    return this.repository.find({ where: this.scope(where), order, take });
  }

  findOne(where: FindOptionsWhere<T>, relations?: FindOptionsRelations<T>): Promise<T | null> {
    return this.repository.findOne({ where: this.scope(where), relations });
  }

  /** Finds one row of this org (with the `relations` asked for, in the same query) or throws NOT_FOUND. */
  async getOne(where: FindOptionsWhere<T>, what = 'Resource', relations?: FindOptionsRelations<T>): Promise<T> {
    const row = await this.findOne(where, relations);
    if (!row) throw new AppException(ErrorCode.NOT_FOUND, `${what} not found`);
    return row;
  }

  count(where?: FindOptionsWhere<T>): Promise<number> {
    return this.repository.count({ where: this.scope(where) });
  }

  create(values: Omit<DeepPartial<T>, 'orgId'>): T {
    return this.repository.create({ ...values, orgId: this.orgId } as DeepPartial<T>);
  }

  save(entity: T): Promise<T> {
    if (entity.orgId !== this.orgId) throw new AppException(ErrorCode.NOT_FOUND, 'Resource not found');
    return this.repository.save(entity);
  }

  async delete(where: FindOptionsWhere<T>): Promise<number> {
    const result = await this.repository.delete(this.scope(where));
    return result.affected ?? 0;
  }
}

/** Hands out org-scoped views of a repository. */
export function orgScoped<T extends ObjectLiteral & { orgId: string }>(repository: Repository<T>) {
  return (orgId: string | undefined) => new OrgScopedRepository<T>(repository, orgId ?? '');
}
