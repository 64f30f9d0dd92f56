/** What `?tenant=` means on every key route (OpenAPI). */
export const TENANT_QUERY_DOC =
  "Root key only: the key's tenant. Ids are unique per tenant; without it the root key reaches the one tenant holding the id (409 when several do). A tenant-bound key may name only its own.";
