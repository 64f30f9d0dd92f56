// A typed client of the key service's /v1 API (docs/packages.md).
export * from './key-service.client';
export * from './key-service.error';
export * from './api.types';
export type { components, operations, paths } from './generated/openapi';
