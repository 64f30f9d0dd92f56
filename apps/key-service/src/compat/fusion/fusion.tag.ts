/** The OpenAPI tag of every route that mirrors Lucidworks Fusion. */
export const FUSION_TAG = 'compat: Lucidworks Fusion';
