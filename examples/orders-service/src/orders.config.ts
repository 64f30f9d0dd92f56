/** How the config is injected (an interface is no token). */
export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');

/** Everything the example needs to know about the key service, from the environment. */
export interface OrdersConfig {
  readonly port: number;
  /** The key service's base URL, and a management key (role `admin`) for the client's calls. */
  readonly keyServiceUrl: string;
  readonly keyServiceAdminKey: string;
  /** The key service's REDIS_URL, REDIS_KEY_PREFIX and KEY_PEPPER: the guard reads its validation model. */
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  readonly pepper: string;
  /** The key service's KAFKA_BROKERS and KAFKA_TOPIC: the revoked-keys table follows its events. */
  readonly kafkaBrokers: string[];
  readonly kafkaTopic: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

export function loadOrdersConfig(env: NodeJS.ProcessEnv = process.env): OrdersConfig {
  return {
    port: Number(env.PORT ?? 3100),
    keyServiceUrl: required(env, 'KEY_SERVICE_URL'),
    keyServiceAdminKey: required(env, 'KEY_SERVICE_ADMIN_KEY'),
    redisUrl: required(env, 'KEY_SERVICE_REDIS_URL'),
    redisKeyPrefix: env.KEY_SERVICE_REDIS_KEY_PREFIX ?? 'keys:',
    pepper: required(env, 'KEY_PEPPER'),
    kafkaBrokers: required(env, 'KAFKA_BROKERS').split(','),
    kafkaTopic: env.KAFKA_TOPIC ?? 'api-key-events',
  };
}
