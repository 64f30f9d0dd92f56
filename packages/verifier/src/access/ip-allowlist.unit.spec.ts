import { allowlistProblem, ipInRanges, ipRangesOf, MAX_ALLOWED_IPS, normalizeAllowlist, normalizeAllowlistEntry, parseClientAddress } from './ip-allowlist';

const allowed = (list: string[], address: string) => ipInRanges(parseClientAddress(address)!, ipRangesOf(normalizeAllowlist(list)));

describe('IP allowlists', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.7/32', '203.0.113.7'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8::1/128', '2001:db8::1'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
  ])('writes %s as %s', (entry, canonical) => {
    expect(normalizeAllowlistEntry(entry)).toEqual({ entry: canonical });
  });

  it.each([
    ['010.0.0.1', 'is not an IPv4 address'],
    ['10.1', 'is not an IPv4 address'],
    ['0x0a.0.0.1', 'is not an IPv4 address'],
    ['256.0.0.1', 'is not an IPv4 address'],
    ['example.com', 'is not an IPv4 address'],
    ['10.0.0.0/33', 'prefix length that is not 0-32'],
    ['10.0.0.0/08', 'prefix length that is not 0-32'],
    ['2001:db8::/129', 'prefix length that is not 0-128'],
    ['10.1.2.3/8', 'host bits set: the range is 10.0.0.0/8, the single address 10.1.2.3'],
    ['fe80::1%eth0', 'zone index'],
  ])('refuses %s', (entry, problem) => {
    const checked = normalizeAllowlistEntry(entry);
    expect('problem' in checked && checked.problem).toContain(problem);
  });

  it('names the index of the first bad entry, and bounds the list', () => {
    expect(allowlistProblem(['10.0.0.0/8', '2001:db8::/32', '300.0.0.1'])).toBe(
      'allowedIps[2]: "300.0.0.1" is not an IPv4 address (four decimal parts), an IPv6 address or a CIDR range of one',
    );
    expect(allowlistProblem(['10.0.0.0/8', 7])).toBe('allowedIps[1] must be a string');
    expect(allowlistProblem([])).toBe('allowedIps must list at least one address; send null to lift the restriction');
    expect(allowlistProblem(Array.from({ length: MAX_ALLOWED_IPS + 1 }, (_, i) => `10.0.${i >> 8}.${i & 255}`))).toBe(
      `allowedIps must list at most ${MAX_ALLOWED_IPS} entries (got ${MAX_ALLOWED_IPS + 1})`,
    );
    expect(allowlistProblem('10.0.0.0/8')).toContain('must be an array');
    expect(allowlistProblem(['10.0.0.0/8', '::1'])).toBeNull();
  });

  it('drops duplicates once canonical, keeping the order', () => {
    expect(normalizeAllowlist(['10.0.0.0/8', '2001:DB8::1', '10.0.0.0/8', '2001:db8::1/128'])).toEqual(['10.0.0.0/8', '2001:db8::1']);
  });

  it('matches IPv4 addresses and ranges, and nothing outside them', () => {
    const list = ['10.0.0.0/8', '203.0.113.7', '192.168.1.128/25'];
    expect(allowed(list, '10.255.3.4')).toBe(true);
    expect(allowed(list, '203.0.113.7')).toBe(true);
    expect(allowed(list, '192.168.1.200')).toBe(true);
    expect(allowed(list, '11.0.0.1')).toBe(false);
    expect(allowed(list, '203.0.113.8')).toBe(false);
    expect(allowed(list, '192.168.1.127')).toBe(false);
  });

  it('matches IPv6 ranges across word boundaries, and never mixes families', () => {
    const list = ['2001:db8::/32', '2001:db8:abcd:12::/63', '::1'];
    expect(allowed(['2001:db8:abcd:12::/63'], '2001:db8:abcd:13:ffff::1')).toBe(true);
    expect(allowed(['2001:db8:abcd:12::/63'], '2001:db8:abcd:14::1')).toBe(false);
    expect(allowed(list, '2001:db8:ffff::1')).toBe(true);
    expect(allowed(list, '2001:db9::1')).toBe(false);
    expect(allowed(list, '::1')).toBe(true);
    expect(allowed(list, '127.0.0.1')).toBe(false);
    expect(allowed(['0.0.0.0/0'], '2001:db8::1')).toBe(false);
    expect(allowed(['::/0'], '2001:db8::1')).toBe(true);
  });

  it('reads a client address given as IPv4-mapped IPv6 (a dual-stack socket) as the IPv4 address, and drops a zone', () => {
    expect(allowed(['10.0.0.0/8'], '::ffff:10.1.2.3')).toBe(true);
    expect(allowed(['fe80::/10'], 'fe80::1%eth0')).toBe(true);
    expect(parseClientAddress('not an address')).toBeNull();
    expect(parseClientAddress('010.0.0.1')).toBeNull();
  });
});
