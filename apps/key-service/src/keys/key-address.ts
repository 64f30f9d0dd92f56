/**
 * How a request names a key: the id its tenant chose, and the tenant when the caller named one
 * (`?tenant=`, or a dialect's account). Ids are unique per tenant only, so the id alone is a key
 * only once KeyAddressResolver has settled the tenant.
 */
export interface KeyAddress {
  readonly keyId: string;
  readonly tenant?: string;
}
