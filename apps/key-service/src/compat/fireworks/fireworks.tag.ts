/** The OpenAPI tag of every route that mirrors the Fireworks gateway API. */
export const FIREWORKS_TAG = 'compat: Fireworks';
