import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

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

  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// connection string' })
  DATABASE_URL?: string;

  @IsOptional() @IsString()
  KAFKA_BROKERS?: string;

  @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'ROOT_API_KEY must be at least 16 characters long' })
  ROOT_API_KEY?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'KEY_PEPPER must be at least 16 characters long' })
  KEY_PEPPER?: string;

  @IsOptional() @Matches(/^[a-z][a-z0-9]{0,15}$/, { message: 'KEY_PREFIX must be 1-16 lowercase letters or digits, starting with a letter' })
  KEY_PREFIX?: string;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(86400)
  USAGE_WINDOW_SECONDS?: number;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1024)
  BODY_LIMIT_BYTES?: number;

  @IsOptional() @IsString()
  KAFKA_TOPIC?: string;
}

export type StoreMode = 'embedded' | 'distributed';

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly kafkaBrokers: readonly string[];
  readonly kafkaTopic: string;
  readonly redisUrl: string | null;
  readonly rootApiKey: string | null;
  readonly keyPepper: string | null;
  readonly keyPrefix: string;
  readonly usageWindowMs: number;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** Embedded unless DATABASE_URL is set: the event store and read models follow it. */
  readonly mode: StoreMode;
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
  const databaseUrl = vars.DATABASE_URL ?? null;
  const mode: StoreMode = databaseUrl ? 'distributed' : 'embedded';
  if (mode === 'distributed' && !vars.KEY_PEPPER)
    throw new ConfigurationError('Invalid configuration: KEY_PEPPER is required when DATABASE_URL is set');
  if (mode === 'distributed' && !vars.ROOT_API_KEY)
    throw new ConfigurationError('Invalid configuration: ROOT_API_KEY is required when DATABASE_URL is set');
  return {
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? '0.0.0.0',
    dataDir: vars.DATA_DIR ?? './data',
    databaseUrl,
    kafkaBrokers: (vars.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean),
    kafkaTopic: vars.KAFKA_TOPIC ?? 'api-key-events',
    redisUrl: vars.REDIS_URL ?? null,
    rootApiKey: vars.ROOT_API_KEY ?? null,
    keyPepper: vars.KEY_PEPPER ?? null,
    keyPrefix: vars.KEY_PREFIX ?? 'sk',
    usageWindowMs: (vars.USAGE_WINDOW_SECONDS ?? 60) * 1000,
    logLevel: vars.LOG_LEVEL ?? 'info',
    bodyLimitBytes: vars.BODY_LIMIT_BYTES ?? 64 * 1024,
    mode,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
