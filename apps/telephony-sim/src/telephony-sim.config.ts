import { BaseServiceConfig, DevDefault } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

/** Settings of the simulated provider; per-account overrides come through the admin API. */
export class TelephonySimConfig extends BaseServiceConfig {
  /** Speed-up of simulated time: 1 is real time, 3600 runs an hour of hold in a second. */
  @Type(() => Number)
  @IsNumber()
  @Min(0.01)
  @Max(1_000_000)
  TIME_SCALE = 1;

  /** Seed for scenario picks and timings, so runs repeat; accounts may carry their own. */
  @IsString()
  @MinLength(1)
  SIM_SEED = 'callfleet';

  /** Bearer token for /admin. Dev-only default; production has no simulator, so it must be set there. */
  @DevDefault('sim-admin-dev-token')
  @IsString()
  @MinLength(8)
  SIM_ADMIN_TOKEN: string;

  /** The dev Twilio-flavoured account that exists at start (documented, dev-only values). */
  @DevDefault('AC0123456789abcdef0123456789abcdef')
  @Matches(/^AC[0-9a-f]{32}$/)
  SIM_DEV_ACCOUNT_SID: string;

  @DevDefault('0123456789abcdef0123456789abcdef')
  @IsString()
  @MinLength(8)
  SIM_DEV_AUTH_TOKEN: string;

  /** Base URL the dev accounts' default callbacks go to (e.g. webhook-ingest's route for them). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SIM_DEV_WEBHOOK_BASE_URL?: string;

  /** How the simulator names itself in URLs it hands out (recordings); default: the Host it was called on. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SIM_PUBLIC_URL?: string;

  @IsOptional()
  @IsString()
  SIM_FIXTURES_DIR?: string;

  /** The labeled corpus's clips (corpus/clips, with clips.json); found from the repository when unset. */
  @IsOptional()
  @IsString()
  SIM_CORPUS_DIR?: string;

  /** What media streams play: the corpus's voices when found (default), or always the fixtures. */
  @IsIn(['corpus', 'fixtures'])
  SIM_STREAM_AUDIO: 'corpus' | 'fixtures' = 'corpus';

  /** Retries after a failed callback (Twilio's `rc`, 0-5); a URL's `#rc=` fragment wins. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(5)
  WEBHOOK_RETRIES = 5;

  /** Which failures are retried (Twilio's `rp`): any of 5xx, 4xx, ct (connect), rt (timeout), or all. */
  @Matches(/^(all|((5xx|4xx|ct|rt)(,(5xx|4xx|ct|rt))*))$/)
  WEBHOOK_RETRY_ON = '5xx,ct,rt';

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 15_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  WEBHOOK_TOTAL_TIMEOUT_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  WEBHOOK_RETRY_BASE_MS = 250;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  WEBHOOK_RETRY_MAX_DELAY_MS = 4000;

  /** Hold time range (simulated seconds) of the IVR scenario; each call draws from it with the seed. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SIM_HOLD_MIN_SECONDS = 120;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  SIM_HOLD_MAX_SECONDS = 900;

  /**
   * The dev accounts' own hold range and time scale (unset: SIM_HOLD_* and TIME_SCALE). `npm start`
   * sets a 30-90 s hold so a demo hunt reaches a person within about two minutes; tests leave them unset.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SIM_DEV_HOLD_MIN_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SIM_DEV_HOLD_MAX_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0.01)
  @Max(1_000_000)
  SIM_DEV_TIME_SCALE?: number;

  /** How long the slow-API scenario keeps a request waiting (real milliseconds). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SIM_API_SLOW_MS = 10_000;

  /** Recordings are cut at this many seconds so an hour of simulated hold is not an hour of WAV. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  SIM_RECORDING_MAX_SECONDS = 300;

  /**
   * Recordings last at least this many seconds (the far end's last sound goes on; still cut at
   * SIM_RECORDING_MAX_SECONDS): 1000 makes a 16 MB WAV, enough for a multipart upload of 5 MB parts.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  SIM_RECORDING_MIN_SECONDS = 0;

  /** Download speed of a recording when the "slow" switch is on. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  SIM_SLOW_DOWNLOAD_BYTES_PER_SECOND = 16_000;
}
