/**
 * A key's identity is (tenant, id): ids are chosen per tenant, so two tenants may each own
 * `prod-search`. Everything that must address one key alone (its event stream, read-model rows,
 * Redis records, limit counters, Kafka message keys, usage counts) uses this one string. Neither
 * part may contain `/` (the tenant and id patterns refuse it), so the mapping is reversible.
 */
export function keyStreamId(tenant: string, keyId: string): string {
  if (tenant.length === 0 || keyId.length === 0 || tenant.includes('/') || keyId.includes('/'))
    // Inputs are checked against their patterns long before: reaching this is a bug, not bad input.
    throw new Error(`A key's tenant and id must be non-empty and free of '/' (got '${tenant}', '${keyId}')`);
  return `${tenant}/${keyId}`;
}

export interface KeyStreamAddress {
  readonly tenant: string;
  readonly keyId: string;
}

/** The (tenant, id) of a stream id; null for a stream id of the old, tenant-less shape. */
export function parseKeyStreamId(streamId: string): KeyStreamAddress | null {
  const slash = streamId.indexOf('/');
  if (slash <= 0 || slash === streamId.length - 1) return null;
  return { tenant: streamId.slice(0, slash), keyId: streamId.slice(slash + 1) };
}

/**
 * The tenant's id of a key from its stream id. A stream id without `/` is of the shape before ids
 * were scoped to tenants (the store migrates those at start; a Kafka message relayed before that
 * may still carry one): it is the id itself.
 */
export function keyIdOfStream(streamId: string): string {
  return parseKeyStreamId(streamId)?.keyId ?? streamId;
}
