import { BaseServiceConfig, DevDefault } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** Config of a service that owns a PostgreSQL schema. */
export class DatabaseServiceConfig extends BaseServiceConfig {
  @DevDefault('postgres://postgres@127.0.0.1:5433/callfleet')
  @IsString()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;
}
