import ipaddr from 'ipaddr.js';

/** At most this many entries per key: a list is matched entry by entry on every verify. */
export const MAX_ALLOWED_IPS = 100;

/**
 * One entry of an allowlist, parsed once (when a validation record is built, never per verify):
 * the network as 32-bit words (one for IPv4, four for IPv6) and its prefix length. Plain JSON, so
 * it travels in the Redis record, the PostgreSQL copy and the invalidation messages unchanged.
 */
export interface IpRange {
  readonly family: 4 | 6;
  readonly words: readonly number[];
  readonly bits: number;
}

/** A client's address, parsed once per request, in the same words as IpRange. */
export interface IpAddressWords {
  readonly family: 4 | 6;
  readonly words: readonly number[];
}

export type AllowlistEntry = { readonly entry: string } | { readonly problem: string };

/**
 * IPv4 only in four-part decimal: ipaddr.js (like inet_aton) would also read `010.0.0.1` as octal
 * 8.0.0.1 and `10.1` as 10.0.0.1, which is never what a person typing an allowlist means.
 */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return null;
  return ipaddr.IPv6.parse(text);
}

/**
 * An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is the IPv4 address: a dual-stack socket reports
 * IPv4 callers that way, and an allowlist entry written so must match them.
 */
function unmapped(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96)
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  return [address, bits];
}

function wordsOf(address: ipaddr.IPv4 | ipaddr.IPv6): number[] {
  const bytes = address.toByteArray();
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) words.push(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
  return words;
}

function canonical(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): string {
  const width = address.kind() === 'ipv4' ? 32 : 128;
  const text = address.kind() === 'ipv4' ? address.toString() : (address as ipaddr.IPv6).toRFC5952String();
  return bits === width ? text : `${text}/${bits}`;
}

/**
 * Checks one entry and writes it in its canonical form: an address (`203.0.113.7`, `2001:db8::1`,
 * lower case, RFC 5952 compression) or a CIDR range (`10.0.0.0/8`); `/32` and `/128` become the
 * bare address. A range with host bits set (`10.1.2.3/8`) is refused rather than silently widened
 * or narrowed: the caller meant one of two things and should say which.
 */
export function normalizeAllowlistEntry(text: string): AllowlistEntry {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  if (addressText.includes('%')) return { problem: `"${text}" has a zone index (%…), which no other host can match` };
  const parsed = parseAddress(addressText);
  if (!parsed) return { problem: `"${text}" is not an IPv4 address (four decimal parts), an IPv6 address or a CIDR range of one` };
  const width = parsed.kind() === 'ipv4' ? 32 : 128;
  let bits = width;
  if (slash !== -1) {
    const prefix = text.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(prefix) || Number(prefix) > width)
      return { problem: `"${text}" has a prefix length that is not 0-${width}` };
    bits = Number(prefix);
  }
  const [address, prefixBits] = unmapped(parsed, bits);
  const network = networkOf(address, prefixBits);
  if (network.toString() !== address.toString())
    return { problem: `"${text}" has host bits set: the range is ${canonical(network, prefixBits)}, the single address ${canonical(address, address.kind() === 'ipv4' ? 32 : 128)}` };
  return { entry: canonical(address, prefixBits) };
}

function networkOf(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = address.toByteArray();
  const masked = bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return keep === 0 ? 0 : byte & (0xff << (8 - keep)) & 0xff;
  });
  return ipaddr.fromByteArray(masked);
}

/**
 * What is wrong with an allowlist as a request gives it (`field` names it in the message), or null.
 * Every message names the entry's index, so a list of a hundred says which one to fix.
 */
export function allowlistProblem(list: unknown, field = 'allowedIps'): string | null {
  if (!Array.isArray(list)) return `${field} must be an array of IP addresses or CIDR ranges, or null`;
  if (list.length === 0) return `${field} must list at least one address; send null to lift the restriction`;
  if (list.length > MAX_ALLOWED_IPS) return `${field} must list at most ${MAX_ALLOWED_IPS} entries (got ${list.length})`;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (typeof item !== 'string') return `${field}[${i}] must be a string`;
    const checked = normalizeAllowlistEntry(item);
    if ('problem' in checked) return `${field}[${i}]: ${checked.problem}`;
  }
  return null;
}

/** The canonical list (entries checked by allowlistProblem first): each entry canonical, duplicates dropped, order kept. */
export function normalizeAllowlist(list: readonly string[]): string[] {
  const entries: string[] = [];
  for (const item of list) {
    const checked = normalizeAllowlistEntry(item);
    if ('problem' in checked) throw new Error(`allowlist entry ${checked.problem}`);
    if (!entries.includes(checked.entry)) entries.push(checked.entry);
  }
  return entries;
}

/** The ranges of a canonical list: what a validation record carries, so verify never parses the list. */
export function ipRangesOf(list: readonly string[]): IpRange[] {
  return list.map((entry) => {
    const [address, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), entry.includes(':') ? 128 : 32];
    return { family: address.kind() === 'ipv4' ? 4 : 6, words: wordsOf(address), bits };
  });
}

/**
 * A client's address as a request or a socket gives it, or null when it is not one. A zone index
 * is dropped (it names the interface the packet came in on, not the sender), and an IPv4-mapped
 * IPv6 address is the IPv4 address.
 */
export function parseClientAddress(text: string): IpAddressWords | null {
  const zone = text.indexOf('%');
  const parsed = parseAddress(zone === -1 ? text : text.slice(0, zone));
  if (!parsed) return null;
  const [address] = unmapped(parsed, 128);
  return { family: address.kind() === 'ipv4' ? 4 : 6, words: wordsOf(address) };
}

/** Whether the address is in one of the ranges: a few integer comparisons per range, nothing parsed. */
export function ipInRanges(address: IpAddressWords, ranges: readonly IpRange[]): boolean {
  for (const range of ranges) if (range.family === address.family && inRange(address.words, range)) return true;
  return false;
}

function inRange(words: readonly number[], range: IpRange): boolean {
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 32) {
    if (bits >= 32) {
      if (words[i] !== range.words[i]) return false;
    } else {
      const shift = 32 - bits;
      if (words[i] >>> shift !== range.words[i] >>> shift) return false;
    }
  }
  return true;
}
