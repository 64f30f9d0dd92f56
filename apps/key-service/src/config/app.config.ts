import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { IpRange } from '@key-service/verifier';
import { KeyEncryptionKey } from '@keys/secrets';
import { loadTopology, Topology, TopologyError } from '@keys/topology';
import { trustedProxyRanges } from '@key-service/nestjs';
import { loadSecretScanningKeys, SecretScanningKeys } from '../keys/leaks/secret-scanning-keys';

/** The default body limit of every route but the bulk ones (BODY_LIMIT_BYTES). */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
/**
 * The default limit of `POST /v1/keys/batch` and `/v1/keys/import` (BULK_BODY_LIMIT_BYTES): 1,000
 * items of about 4 KiB each. An item with every field set to a typical value (id, tenant, name,
 * description, owner, environment, prefix, expiresAt, three roles, three annotations, a rate limit,
 * a quota, and an import's hash) is under 1 KiB of JSON, so a full batch of them is under a quarter
 * of it; items at every field's maximum (50 annotations of 512 characters) are about 33 KiB each,
 * and a batch of those needs the limit raised, or fewer items per call.
 */
export const DEFAULT_BULK_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** Past this a single body costs the process more memory and parse time than a batch is worth. */
const MAX_BULK_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

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

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1024) @Max(MAX_BULK_BODY_LIMIT_BYTES)
  BULK_BODY_LIMIT_BYTES?: number;

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
  @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true }, { message: 'SECRET_SCANNING_KEYS_URL must be an http(s) URL' })
  SECRET_SCANNING_KEYS_URL?: string;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(86400)
  SECRET_SCANNING_KEYS_REFRESH_SECONDS?: number;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(100) @Max(60_000)
  SECRET_SCANNING_KEYS_TIMEOUT_MS?: number;

  // Recoverable keys (docs/security.md): parsed below, so a bad value names the variable, never its value.
  @IsOptional() @IsString()
  KEY_ENCRYPTION_KEY?: string;

  @IsOptional() @IsString()
  KEY_ENCRYPTION_KEY_PREVIOUS?: string;
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
  /** The body limit of the bulk routes (batch create, import), which carry up to 1,000 items. */
  readonly bulkBodyLimitBytes: number;
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
  /** SECRET_SCANNING_KEYS_URL: GitHub's keys fetched at start and again for an unknown identifier; null: not fetched. */
  readonly secretScanningKeysUrl: SecretScanningKeysUrl | null;
  /**
   * KEY_ENCRYPTION_KEY: wraps recoverable keys' data keys. null: generated under DATA_DIR in the
   * embedded mode; in the distributed mode recoverable keys are then refused (503).
   */
  readonly keyEncryptionKey: KeyEncryptionKey | null;
  /** KEY_ENCRYPTION_KEY_PREVIOUS (comma-separated): older KEKs that still unwrap until the vault is re-wrapped. */
  readonly previousKeyEncryptionKeys: readonly KeyEncryptionKey[];
}

export interface SecretScanningKeysUrl {
  readonly url: string;
  /** At most one fetch per this interval, however many unknown identifiers are presented (forged ones too). */
  readonly minRefreshMs: number;
  readonly timeoutMs: number;
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
  const bodyLimitBytes = vars.BODY_LIMIT_BYTES ?? DEFAULT_BODY_LIMIT_BYTES;
  const bulkBodyLimitBytes = vars.BULK_BODY_LIMIT_BYTES ?? Math.max(DEFAULT_BULK_BODY_LIMIT_BYTES, bodyLimitBytes);
  // A bulk route refusing a body a single create would take would make batching worse than not.
  if (bulkBodyLimitBytes < bodyLimitBytes)
    throw new ConfigurationError(`Invalid configuration: BULK_BODY_LIMIT_BYTES (${bulkBodyLimitBytes}) must not be smaller than BODY_LIMIT_BYTES (${bodyLimitBytes})`);
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
  const keyEncryptionKey = vars.KEY_ENCRYPTION_KEY ? parseKek('KEY_ENCRYPTION_KEY', vars.KEY_ENCRYPTION_KEY) : null;
  const previousKeyEncryptionKeys = (vars.KEY_ENCRYPTION_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((text) => text.trim() !== '')
    .map((text, i) => parseKek(`KEY_ENCRYPTION_KEY_PREVIOUS[${i}]`, text));
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
    bodyLimitBytes,
    bulkBodyLimitBytes,
    httpRequestTimeoutMs: vars.HTTP_REQUEST_TIMEOUT_MS ?? 10_000,
    httpIdleTimeoutMs: vars.HTTP_IDLE_TIMEOUT_MS ?? 30_000,
    httpKeepAliveTimeoutMs: vars.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 72_000,
    secretScanningKeys,
    trustedProxies,
    secretScanningKeysUrl: vars.SECRET_SCANNING_KEYS_URL
      ? {
          url: vars.SECRET_SCANNING_KEYS_URL,
          minRefreshMs: (vars.SECRET_SCANNING_KEYS_REFRESH_SECONDS ?? 60) * 1000,
          timeoutMs: vars.SECRET_SCANNING_KEYS_TIMEOUT_MS ?? 5000,
        }
      : null,
    keyEncryptionKey,
    previousKeyEncryptionKeys,
  };
}

function parseKek(variable: string, text: string): KeyEncryptionKey {
  try {
    return KeyEncryptionKey.parse(text);
  } catch (error) {
    throw new ConfigurationError(`Invalid configuration: ${variable} ${(error as Error).message}`);
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');
