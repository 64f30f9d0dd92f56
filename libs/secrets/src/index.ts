export * from './api-key-secret';
export * from './key-hasher';
export * from './imported-key-hash';
export * from './envelope/key-encryption-key';
export * from './envelope/sealed-secret';
export * from './envelope/vault-crypto.error';
export * from './envelope/envelope-cipher';
