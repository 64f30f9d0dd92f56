import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { IpRange } from '@key-service/verifier';
import { loadTopology, Topology, TopologyError } from '@keys/topology';
import { trustedProxyRanges } from '@key-service/nestjs';
import { loadSecretScanningKeys, SecretScanningKeys } from '../keys/leaks/secret-scanning-keys';

/**
 * The environment the service reads, validated at start: a wrong value stops the process with a
 * message that names the variable, instead of failing later on first use.
 */
class EnvironmentVariables {
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString()
  HOST?: string;

  @IsOptional() @IsString() @MinLength(1)
  DATA_DIR?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'ROOT_API_KEY must be at least 16 characters long' })
  ROOT_API_KEY?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'KEY_PEPPER must be at least 16 characters long' })
  KEY_PEPPER?: string;

  @IsOptional() @Matches(/^[a-z][a-z0-9]{0,15}$/, { message: 'KEY_PREFIX must be 1-16 lowercase letters or digits, starting with a letter' })
  KEY_PREFIX?: string;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(86400)
  USAGE_WINDOW_SECONDS?: number;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(86400)
  USAGE_QUOTA_WINDOW_SECONDS?: number;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1024)
  BODY_LIMIT_BYTES?: number;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(0) @Max(3_600_000)
  VERIFY_CACHE_TTL_MS?: number;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(100) @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS?: number;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(100) @Max(3_600_000)
  HTTP_IDLE_TIMEOUT_MS?: number;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(100) @Max(3_600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;

  @IsOptional() @IsString()
  SECRET_SCANNING_KEYS_FILE?: string;

  @IsOptional() @IsString()
  TRUSTED_PROXIES?: string;
}

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** Where the embedded store and the generated pepper and root key hash are kept. */
  readonly dataDir: string;
  /** Embedded, or distributed on PostgreSQL, Redis and Kafka together: nothing in between starts. */
  readonly topology: Topology;
  /** How long verify trusts an in-process cache hit without word from the invalidation bus. */
  readonly verifyCacheTtlMs: number;
  /** Variables set that no longer do anything, each with what to do instead: logged at start. */
  readonly deprecations: readonly string[];
  readonly rootApiKey: string | null;
  readonly keyPepper: string | null;
  readonly keyPrefix: string;
  readonly usageWindowMs: number;
  /**
   * The usage window of keys with a quota, shorter: their usage is what restores their counters
   * should Redis lose them, and what an instance killed without its shutdown flush loses.
   */
  readonly usageQuotaWindowMs: number;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** How long a client has to send a whole request, headers and body; then 408 and the connection closes. */
  readonly httpRequestTimeoutMs: number;
  /** How long a connection may pass no bytes either way, a request in progress included, before it is closed. */
  readonly httpIdleTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open for the next request. */
  readonly httpKeepAliveTimeoutMs: number;
  /** GitHub's secret-scanning public keys (SECRET_SCANNING_KEYS_FILE); null: POST /v1/leaks/github is not configured. */
  readonly secretScanningKeys: SecretScanningKeys | null;
  /**
   * TRUSTED_PROXIES (comma-separated addresses and CIDR ranges): the proxies whose X-Forwarded-For
   * names the caller of a management route or whoami, for keys with an IP allowlist. Empty: the
   * socket's peer is the caller.
   */
  readonly trustedProxies: readonly IpRange[];
}

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Reads and checks the environment; throws ConfigurationError naming every bad variable. */
export function loadAppConfig(env: Record<string, string | undefined>): AppConfig {
  const blankToUndefined = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const vars = plainToInstance(EnvironmentVariables, blankToUndefined);
  const errors = validateSync(vars, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new ConfigurationError(`Invalid configuration: ${lines.join('; ')}`);
  }
  let topology: Topology;
  try {
    topology = loadTopology(blankToUndefined);
  } catch (error) {
    if (error instanceof TopologyError) throw new ConfigurationError(`Invalid configuration: ${error.message}`);
    throw error;
  }
  // Replicas must share both: nothing generated under one replica's DATA_DIR can do.
  if (topology.kind === 'distributed' && !vars.KEY_PEPPER)
    throw new ConfigurationError('Invalid configuration: KEY_PEPPER is required in the distributed topology');
  if (topology.kind === 'distributed' && !vars.ROOT_API_KEY)
    throw new ConfigurationError('Invalid configuration: ROOT_API_KEY is required in the distributed topology');
  const deprecations: string[] = [];
  // Commands write the query model themselves now and wait for no projector: a deployment that
  // still sets the old bound starts as before, told it can drop it.
  if (blankToUndefined.READ_YOUR_WRITES_TIMEOUT_MS !== undefined)
    deprecations.push('READ_YOUR_WRITES_TIMEOUT_MS is ignored: commands write the query model themselves and wait for no projector; remove it');
  let secretScanningKeys: SecretScanningKeys | null = null;
  if (vars.SECRET_SCANNING_KEYS_FILE) {
    try {
      secretScanningKeys = loadSecretScanningKeys(vars.SECRET_SCANNING_KEYS_FILE);
    } catch (error) {
      throw new ConfigurationError(`Invalid configuration: SECRET_SCANNING_KEYS_FILE: ${(error as Error).message}`);
    }
  }
  let trustedProxies: IpRange[];
  try {
    trustedProxies = trustedProxyRanges(vars.TRUSTED_PROXIES, 'TRUSTED_PROXIES');
  } catch (error) {
    throw new ConfigurationError(`Invalid configuration: ${(error as Error).message}`);
  }
  return {
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? '0.0.0.0',
    dataDir: vars.DATA_DIR ?? './data',
    topology,
    verifyCacheTtlMs: vars.VERIFY_CACHE_TTL_MS ?? 30_000,
    deprecations,
    rootApiKey: vars.ROOT_API_KEY ?? null,
    keyPepper: vars.KEY_PEPPER ?? null,
    keyPrefix: vars.KEY_PREFIX ?? 'sk',
    usageWindowMs: (vars.USAGE_WINDOW_SECONDS ?? 60) * 1000,
    usageQuotaWindowMs: Math.min(vars.USAGE_QUOTA_WINDOW_SECONDS ?? 5, vars.USAGE_WINDOW_SECONDS ?? 60) * 1000,
    logLevel: vars.LOG_LEVEL ?? 'info',
    bodyLimitBytes: vars.BODY_LIMIT_BYTES ?? 64 * 1024,
    httpRequestTimeoutMs: vars.HTTP_REQUEST_TIMEOUT_MS ?? 10_000,
    httpIdleTimeoutMs: vars.HTTP_IDLE_TIMEOUT_MS ?? 30_000,
    httpKeepAliveTimeoutMs: vars.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 72_000,
    secretScanningKeys,
    trustedProxies,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
