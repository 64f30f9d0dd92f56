export * from './sql-client';
export * from './pg-sql-client';
export * from './pglite-sql-client';
export * from './event-store.port';
export * from './event-store.schema';
export * from './events-appended.channel';
export * from './postgres-event-store.adapter';
export * from './wrong-expected-version.error';
