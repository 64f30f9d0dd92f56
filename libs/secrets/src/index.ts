// Service-side secrets: the envelope encryption of recoverable keys. The key format and its hashing are
// the published @key-service/verifier.
export * from './envelope/key-encryption-key';
export * from './envelope/sealed-secret';
export * from './envelope/vault-crypto.error';
export * from './envelope/envelope-cipher';
