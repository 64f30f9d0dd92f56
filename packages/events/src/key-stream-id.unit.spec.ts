import { keyIdOfStream, keyStreamId, parseKeyStreamId } from './key-stream-id';

describe('a key\'s stream id', () => {
  it('names tenant and id, so two tenants\' keys of one id are two streams', () => {
    expect(keyStreamId('acme', 'prod-search')).toBe('acme/prod-search');
    expect(keyStreamId('beta', 'prod-search')).not.toBe(keyStreamId('acme', 'prod-search'));
    expect(parseKeyStreamId('acme/prod-search')).toEqual({ tenant: 'acme', keyId: 'prod-search' });
  });

  it('reads a stream id of the shape before tenant-scoped ids as the id itself', () => {
    expect(parseKeyStreamId('prod-search')).toBeNull();
    expect(keyIdOfStream('prod-search')).toBe('prod-search');
    expect(keyIdOfStream('acme/prod-search')).toBe('prod-search');
  });

  it('refuses a tenant or id that holds the separator or is empty', () => {
    expect(() => keyStreamId('a/b', 'x')).toThrow("free of '/'");
    expect(() => keyStreamId('acme', 'x/y')).toThrow("free of '/'");
    expect(() => keyStreamId('', 'x')).toThrow('non-empty');
  });
});
