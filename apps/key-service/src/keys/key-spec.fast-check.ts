import Ajv, { ValidateFunction } from 'ajv';
import { IMPORTED_HASH_ENCODINGS } from '@key-service/verifier';
import { CreateKeyRequestDto, KEY_ID_PATTERN, ROLE_PATTERN, TENANT_PATTERN } from './creating/create-key.request.dto';
import { ImportKeyRequestDto } from './importing/import-key.request.dto';
import { MAX_ANNOTATIONS } from './annotations.validator';
import { ReasonRequestDto } from './reason.request.dto';

/**
 * A compiled schema that accepts the common create body (and batch or import item, and the reason
 * of a revoke, disable or enable) without class-validator,
 * which cost about 6% of a create's CPU. It only ever accepts: a body it refuses, or one with a
 * field it does not cover (expiresAt, quota, allowedIps, permissions), is judged by class-validator
 * as before, so every 400 keeps its message. So it must accept nothing class-validator refuses:
 * - every text it takes is free of surrogates and of the variation selectors U+FE0E/U+FE0F, so
 *   its length is the same whether counted in code points (ajv), by validator.js's isLength (a
 *   pair or a presentation sequence as one character) or in UTF-16 units (IsAnnotations);
 * - patterns are the DTO's own, matched per UTF-16 unit like class-validator's (`unicodeRegExp: false`);
 * - no null anywhere (class-validator's @IsOptional would pass a null on, which stays its call).
 */
const ajv = new Ajv({ unicodeRegExp: false, allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false });

/** Text whose UTF-16 length is what validator.js's isLength counts. */
const PLAIN_TEXT = '^[^\\uD800-\\uDFFF\\uFE0E\\uFE0F]*$';
const text = (minLength: number, maxLength: number) => ({ type: 'string', minLength, maxLength, pattern: PLAIN_TEXT });
const matching = (pattern: RegExp) => ({ type: 'string', pattern: pattern.source });

const CREATE_KEY_PROPERTIES = {
  name: text(1, 100),
  description: text(0, 255),
  tenant: matching(TENANT_PATTERN),
  id: matching(KEY_ID_PATTERN),
  roles: { type: 'array', maxItems: 50, items: matching(ROLE_PATTERN) },
  owner: text(1, 128),
  environment: text(1, 64),
  prefix: { type: 'string', pattern: '^[a-z][a-z0-9]{0,15}$' },
  annotations: {
    type: 'object',
    maxProperties: MAX_ANNOTATIONS,
    propertyNames: text(1, 64),
    additionalProperties: text(0, 512),
  },
  rateLimit: {
    type: 'object',
    required: ['limit', 'durationMs'],
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
      durationMs: { type: 'integer', minimum: 1000, maximum: 86_400_000 },
    },
  },
  recoverable: { type: 'boolean' },
};

const createKeyBody = ajv.compile({ type: 'object', required: ['name'], additionalProperties: false, properties: CREATE_KEY_PROPERTIES });

/** ImportKeyRequestDto: a create's fields (its rules are inherited) and the hash. */
const importKeyItem = ajv.compile({
  type: 'object',
  required: ['name', 'hash', 'hashAlgorithm'],
  additionalProperties: false,
  properties: {
    ...CREATE_KEY_PROPERTIES,
    hash: text(0, 128),
    hashAlgorithm: { type: 'string', enum: [...IMPORTED_HASH_ENCODINGS] },
  },
});

/**
 * ReasonRequestDto: the body of a revoke, disable or enable, most often `{}`, which cost a revoke
 * class-transformer and class-validator (about 5% of its CPU) to accept.
 */
const reasonBody = ajv.compile({ type: 'object', additionalProperties: false, properties: { reason: text(0, 500) } });

const FAST_CHECKS = new Map<unknown, ValidateFunction>([
  [CreateKeyRequestDto, createKeyBody],
  [ImportKeyRequestDto, importKeyItem],
  [ReasonRequestDto, reasonBody],
]);

/**
 * The body as the class-validator path would hand it on, when the compiled check accepts it; null
 * when it must go through class-validator (which then accepts or answers the 400).
 */
export function fastKeySpec<T extends object>(type: new () => T, value: unknown): T | null {
  const check = FAST_CHECKS.get(type);
  if (!check || !check(value)) return null;
  return Object.assign(new type(), value);
}
