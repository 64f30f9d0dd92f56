export * from './api-key-secret';
export * from './key-hasher';
