// The events, their envelope and upcasters are the published contract: @key-service/events.
export * from './key-domain.error';
export * from './api-key.aggregate';
export * from './using/limit-usage';
