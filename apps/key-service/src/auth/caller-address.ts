import { FastifyRequest } from 'fastify';
import { IpAddressWords, IpRange } from '@key-service/verifier';
import { callerBehind, peerAddressOf } from '@key-service/nestjs';

/**
 * The caller's address for IP allowlists, by the same rule as ApiKeyGuard: the socket's peer, or
 * X-Forwarded-For only when that peer is one of TRUSTED_PROXIES. Not Fastify's `request.ip`:
 * the service runs with `trustProxy: true` (for its request log), which would let any client
 * name its own address in the header. The peer is parsed once per socket (peerAddressOf), as
 * ApiKeyGuard does: a keep-alive connection carries many management calls from one peer.
 */
export function callerAddressOf(request: FastifyRequest, trustedProxies: readonly IpRange[]): IpAddressWords | null {
  return callerBehind(peerAddressOf(request.raw.socket), request.headers['x-forwarded-for'], trustedProxies);
}
