/** The OpenAPI tag of every route that mirrors Lumino's API keys API. */
export const LUMINO_TAG = 'compat: Lumino';
