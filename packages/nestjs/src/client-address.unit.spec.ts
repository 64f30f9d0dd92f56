import { ipInRanges, ipRangesOf, parseClientAddress } from '@key-service/verifier';
import { callerBehind, clientAddressOf, peerAddressOf, trustedProxyRanges } from './client-address';

const same = (address: ReturnType<typeof clientAddressOf>, text: string) => {
  expect(address).not.toBeNull();
  expect(ipInRanges(address!, ipRangesOf([text]))).toBe(true);
};

describe('clientAddressOf', () => {
  const proxies = trustedProxyRanges(['10.0.0.0/8', '::1']);

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    same(clientAddressOf('203.0.113.9', '198.51.100.1', []), '203.0.113.9');
  });

  it('is the socket peer when the peer is not a trusted proxy', () => {
    same(clientAddressOf('203.0.113.9', '198.51.100.1', proxies), '203.0.113.9');
  });

  it('behind a trusted proxy, is the rightmost address of X-Forwarded-For that is not a trusted proxy', () => {
    same(clientAddressOf('10.0.0.2', '198.51.100.1', proxies), '198.51.100.1');
    // A client's own forged entry sits left of the hop its first proxy added: never read.
    same(clientAddressOf('10.0.0.2', '192.0.2.66, 198.51.100.1, 10.0.0.3', proxies), '198.51.100.1');
    same(clientAddressOf('::ffff:10.0.0.2', ['198.51.100.1'], proxies), '198.51.100.1');
    same(clientAddressOf('::1', '2001:db8::5', proxies), '2001:db8::5');
  });

  it('is the leftmost when every hop is a trusted proxy, and the peer when there is no header', () => {
    same(clientAddressOf('10.0.0.2', '10.0.0.4, 10.0.0.3', proxies), '10.0.0.4');
    same(clientAddressOf('10.0.0.2', undefined, proxies), '10.0.0.2');
  });

  it('is unknown (null: fail closed) when a hop is not an address, or there is no peer', () => {
    expect(clientAddressOf('10.0.0.2', 'unknown, 10.0.0.3', proxies)).toBeNull();
    expect(clientAddressOf(undefined, '198.51.100.1', proxies)).toBeNull();
  });

  it('reads TRUSTED_PROXIES as a comma-separated list and refuses a bad entry by index', () => {
    expect(trustedProxyRanges(' 10.0.0.0/8 , ::1 ,', 'TRUSTED_PROXIES')).toEqual(proxies);
    expect(trustedProxyRanges(undefined)).toEqual([]);
    expect(() => trustedProxyRanges('10.0.0.0/8,proxy.internal', 'TRUSTED_PROXIES')).toThrow(
      'TRUSTED_PROXIES[1]: "proxy.internal" is not an IPv4 address',
    );
    expect(parseClientAddress('10.0.0.1')).not.toBeNull();
  });

  it('parses a socket\'s peer once, and not before the socket has an address', () => {
    const socket: { remoteAddress?: string } = {};
    expect(peerAddressOf(socket)).toBeNull();
    socket.remoteAddress = '10.0.0.2';
    const peer = peerAddressOf(socket);
    same(peer, '10.0.0.2');
    expect(peerAddressOf(socket)).toBe(peer);
    expect(peerAddressOf({ remoteAddress: 'not an address' })).toBeNull();
    expect(peerAddressOf(undefined)).toBeNull();
    same(callerBehind(peer, '198.51.100.1', proxies), '198.51.100.1');
    same(callerBehind(peer, '198.51.100.1', []), '10.0.0.2');
  });
});
