import { MAX_PERMISSION_QUERY_LENGTH, VERIFY_CODES } from '@key-service/verifier';
import { ROLE_PATTERN } from '../creating/create-key.request.dto';

/**
 * The JSON Schemas Fastify compiles for the verify route: the body checked by ajv, the answer
 * written by fast-json-stringify. They restate VerifyKeyRequestDto / VerifyKeyResponseDto, which
 * stay the documented contract and the authority on bad input (verify-key.route.ts).
 */
export const VERIFY_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['key'],
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 512 },
    // null is accepted as "no roles", as the DTO's @IsOptional() does.
    roles: { type: ['array', 'null'], maxItems: 50, items: { type: 'string', pattern: ROLE_PATTERN.source } },
    // Parsed after the schema (verify-access.request.ts), which says what is wrong and where.
    ip: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
    permissions: { type: ['string', 'null'], maxLength: MAX_PERMISSION_QUERY_LENGTH },
  },
} as const;

export const VERIFY_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['valid', 'code'],
  properties: {
    valid: { type: 'boolean' },
    code: { type: 'string', enum: [...VERIFY_CODES] },
    keyId: { type: 'string' },
    tenant: { type: 'string' },
    name: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    expiresAt: { type: ['string', 'null'] },
    ratelimit: {
      type: 'object',
      required: ['limit', 'remaining', 'reset'],
      properties: { limit: { type: 'number' }, remaining: { type: 'number' }, reset: { type: 'number' } },
    },
    remaining: { type: 'number' },
  },
} as const;
