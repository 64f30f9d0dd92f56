import { IpAddressWords, IpRange, ipInRanges, ipRangesOf, normalizeAllowlistEntry, parseClientAddress } from '@key-service/verifier';

/**
 * The proxies whose `X-Forwarded-For` is believed: IP addresses and CIDR ranges, as an operator
 * configures them (KeyVerificationModule's `trustedProxies`, or `TRUSTED_PROXIES`, comma-separated).
 * A bad entry fails at start, naming it.
 */
export function trustedProxyRanges(entries: readonly string[] | string | undefined, source = 'trustedProxies'): IpRange[] {
  const list = typeof entries === 'string' ? entries.split(',').map((e) => e.trim()).filter((e) => e !== '') : [...(entries ?? [])];
  const canonical = list.map((entry, i) => {
    const checked = normalizeAllowlistEntry(entry);
    if ('problem' in checked) throw new Error(`${source}[${i}]: ${checked.problem}`);
    return checked.entry;
  });
  return ipRangesOf(canonical);
}

/**
 * The address of the caller, for allowlists: the socket's peer, unless that peer is a trusted
 * proxy; then `X-Forwarded-For` is read from its right end (the hop the proxy added) leftwards,
 * past every trusted proxy, and the first address not trusted is the caller (all trusted: the
 * leftmost). An entry that is not an address makes the caller unknown (null), which a key with an
 * allowlist refuses: fail closed. Without trusted proxies the header is never read, so a client
 * cannot choose its own address by sending it.
 */
export function clientAddressOf(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trusted: readonly IpRange[],
): IpAddressWords | null {
  return callerBehind(socketAddress ? parseClientAddress(socketAddress) : null, forwardedFor, trusted);
}

/** The socket's side of a request: Express's `request.socket`, Fastify's `request.raw.socket`. */
export type PeerSocket = { readonly remoteAddress?: string };

const peers = new WeakMap<PeerSocket, IpAddressWords | null>();

/**
 * The socket's peer, parsed once per socket rather than once per request: a keep-alive connection
 * carries many requests from one peer, and parsing its address was a measurable share of what
 * ApiKeyGuard cost a request. Not kept while the socket has no address yet (or any more).
 */
export function peerAddressOf(socket: PeerSocket | undefined): IpAddressWords | null {
  if (!socket) return null;
  let peer = peers.get(socket);
  if (peer === undefined) {
    const address = socket.remoteAddress;
    if (!address) return null;
    peer = parseClientAddress(address);
    peers.set(socket, peer);
  }
  return peer;
}

/** clientAddressOf over a peer already parsed (peerAddressOf). */
export function callerBehind(
  peer: IpAddressWords | null,
  forwardedFor: string | readonly string[] | undefined,
  trusted: readonly IpRange[],
): IpAddressWords | null {
  if (!peer || trusted.length === 0 || !ipInRanges(peer, trusted) || forwardedFor === undefined) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor as string)).split(',').map((hop) => hop.trim());
  let caller = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (hops[i] === '') continue;
    const hop = parseClientAddress(hops[i]);
    if (!hop) return null;
    caller = hop;
    if (!ipInRanges(hop, trusted)) return hop;
  }
  return caller;
}
