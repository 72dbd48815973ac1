import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@callfleet/contracts';
import { AppException, constantTimeEqual } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { TelephonySimConfig } from '../telephony-sim.config';
import type { ProviderFlavour, SimAccount } from './sim-account';

export type AccountSettings = Partial<Omit<SimAccount, 'createdAt'>> & { flavour: ProviderFlavour };

/** Simulated provider accounts, in memory; the dev accounts come back on every reset. */
@Injectable()
export class AccountsService {
  private readonly accounts = new Map<string, SimAccount>();

  constructor(private readonly config: TelephonySimConfig) {
    this.reset();
  }

  /** Drops every account but the dev ones, which are restored to their start values. */
  reset(): void {
    this.accounts.clear();
    const webhookBaseUrl = this.config.SIM_DEV_WEBHOOK_BASE_URL;
    const timings = devAccountTimings(this.config);
    this.upsert({
      flavour: 'twilio',
      sid: this.config.SIM_DEV_ACCOUNT_SID,
      authToken: this.config.SIM_DEV_AUTH_TOKEN,
      ...(webhookBaseUrl ? { webhookBaseUrl } : {}),
      ...timings,
    });
    this.upsert({
      flavour: 'exotel',
      sid: 'callfleet-dev',
      apiKey: 'dev-exotel-key',
      authToken: 'dev-exotel-token',
      ...timings,
    });
    this.upsert({ flavour: 'ringcentral', sid: '400000001', authToken: 'dev-ringcentral-access-token', ...timings });
  }

  /** Creates or replaces an account; unset fields get the simulator's defaults. */
  upsert(settings: AccountSettings): SimAccount {
    const sid = settings.sid ?? newSid(settings.flavour);
    const account: SimAccount = {
      sid,
      authToken: settings.authToken ?? randomBytes(16).toString('hex'),
      apiKey: settings.apiKey ?? sid,
      flavour: settings.flavour,
      ...(settings.webhookBaseUrl ? { webhookBaseUrl: settings.webhookBaseUrl.replace(/\/+$/, '') } : {}),
      seed: settings.seed ?? this.config.SIM_SEED,
      timeScale: settings.timeScale ?? this.config.TIME_SCALE,
      holdSeconds: settings.holdSeconds ?? {
        min: this.config.SIM_HOLD_MIN_SECONDS,
        max: this.config.SIM_HOLD_MAX_SECONDS,
      },
      recordingDownload: settings.recordingDownload ?? 'normal',
      apiFault: settings.apiFault ?? null,
      webhookDuplicates: settings.webhookDuplicates ?? 0,
      ...(settings.webhookRetries === undefined ? {} : { webhookRetries: settings.webhookRetries }),
      extensionId: settings.extensionId ?? '200000001',
      exotelFlows: {},
      createdAt: new Date().toISOString(),
    };
    this.accounts.set(sid, account);
    return account;
  }

  update(sid: string, changes: Partial<Omit<SimAccount, 'sid' | 'flavour' | 'createdAt'>>): SimAccount {
    const account = this.require(sid);
    Object.assign(account, changes);
    if (changes.webhookBaseUrl) account.webhookBaseUrl = changes.webhookBaseUrl.replace(/\/+$/, '');
    return account;
  }

  list(): SimAccount[] {
    return [...this.accounts.values()];
  }

  find(sid: string): SimAccount | undefined {
    return this.accounts.get(sid);
  }

  require(sid: string): SimAccount {
    const account = this.accounts.get(sid);
    if (!account) throw new AppException(ErrorCode.NOT_FOUND, 'No such account');
    return account;
  }

  /** The account whose sid (or Exotel API key) and token are these, with a constant-time token compare. */
  authenticateBasic(user: string, password: string, flavour: ProviderFlavour, pathSid: string): SimAccount | undefined {
    const account = this.accounts.get(pathSid);
    if (!account || account.flavour !== flavour) return undefined;
    const userMatches = constantTimeEqual(user, flavour === 'exotel' ? account.apiKey : account.sid);
    const tokenMatches = constantTimeEqual(password, account.authToken);
    return userMatches && tokenMatches ? account : undefined;
  }

  /** RingCentral: the account whose access token this bearer token is. */
  authenticateBearer(token: string): SimAccount | undefined {
    let found: SimAccount | undefined;
    for (const account of this.accounts.values()) {
      if (account.flavour === 'ringcentral' && constantTimeEqual(token, account.authToken)) found = account;
    }
    return found;
  }
}

/** The dev accounts' hold range and time scale when SIM_DEV_* set them (the demo's), else nothing (the defaults). */
export function devAccountTimings(
  config: Pick<
    TelephonySimConfig,
    | 'SIM_DEV_HOLD_MIN_SECONDS'
    | 'SIM_DEV_HOLD_MAX_SECONDS'
    | 'SIM_DEV_TIME_SCALE'
    | 'SIM_HOLD_MIN_SECONDS'
    | 'SIM_HOLD_MAX_SECONDS'
  >,
): Pick<SimAccount, 'holdSeconds' | 'timeScale'> | Record<string, never> {
  const timings: Partial<Pick<SimAccount, 'holdSeconds' | 'timeScale'>> = {};
  if (config.SIM_DEV_HOLD_MIN_SECONDS !== undefined || config.SIM_DEV_HOLD_MAX_SECONDS !== undefined) {
    // One end set: the other is the default, moved so the range stays a range.
    const devMax = config.SIM_DEV_HOLD_MAX_SECONDS;
    const min = config.SIM_DEV_HOLD_MIN_SECONDS ?? Math.min(config.SIM_HOLD_MIN_SECONDS, devMax ?? Infinity);
    const max = devMax ?? Math.max(min, config.SIM_HOLD_MAX_SECONDS);
    if (min > max) throw new Error('SIM_DEV_HOLD_MIN_SECONDS must not exceed SIM_DEV_HOLD_MAX_SECONDS');
    timings.holdSeconds = { min, max };
  }
  if (config.SIM_DEV_TIME_SCALE !== undefined) timings.timeScale = config.SIM_DEV_TIME_SCALE;
  return timings as Pick<SimAccount, 'holdSeconds' | 'timeScale'>;
}

function newSid(flavour: ProviderFlavour): string {
  if (flavour === 'twilio') return `AC${randomBytes(16).toString('hex')}`;
  if (flavour === 'exotel') return `sim${randomBytes(6).toString('hex')}`;
  return String(400_000_000 + randomBytes(3).readUIntBE(0, 3));
}

/** `Authorization: Basic …` into user and password, or undefined. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
