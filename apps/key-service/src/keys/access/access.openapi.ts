import { ApiPropertyOptions } from '@nestjs/swagger';
import { MAX_ALLOWED_IPS, MAX_KEY_PERMISSIONS, PERMISSION_PATTERN } from '@key-service/verifier';

/** How the access fields read in the OpenAPI document, the same on create, update and the key's record. */
export const ALLOWED_IPS_DOC: ApiPropertyOptions & { description: string } = {
  type: [String],
  nullable: true,
  maxItems: MAX_ALLOWED_IPS,
  example: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'],
  description:
    `IPv4/IPv6 addresses and CIDR ranges (at most ${MAX_ALLOWED_IPS}) verify admits this key from; any other address, or none given, ` +
    'answers FORBIDDEN (fail closed). Stored canonical (`/32` and `/128` as the bare address, IPv6 compressed); null: any address',
};

export const PERMISSIONS_DOC: ApiPropertyOptions & { description: string } = {
  type: [String],
  maxItems: MAX_KEY_PERMISSIONS,
  example: ['orders.read', 'billing.read'],
  description:
    `Permission names (${PERMISSION_PATTERN.source}, at most ${MAX_KEY_PERMISSIONS}): what permission queries at verify ` +
    '(`permissions: "orders.read AND billing.read"`) are evaluated against; `*` is a literal character, not a wildcard',
};
