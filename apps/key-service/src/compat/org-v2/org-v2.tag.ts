/** The OpenAPI tag of every route that mirrors the org-scoped v2 API keys API. */
export const ORG_V2_TAG = 'compat: org-scoped v2 API';
