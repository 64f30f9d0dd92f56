export * from './api-key-secret';
export * from './key-hasher';
export * from './imported-key-hash';
