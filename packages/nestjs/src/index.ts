// Authenticate a NestJS service's callers with the key service's keys (docs/packages.md).
export * from './presented-key';
export * from './require-key-roles.decorator';
export * from './require-key-permissions.decorator';
export * from './client-address';
export * from './route-memo';
export * from './api-key.guard';
export * from './key-verification.module';
export type { SqlReaderConnection } from './sql-reader.connection';
