import { PermissionQuery, PermissionQueryError } from './permission-query';
import { PermissionQueryCache } from './permission-query.cache';
import { permissionQueryMet } from './permission-query.evaluator';
import { MAX_PERMISSION_QUERY_DEPTH, MAX_PERMISSION_QUERY_LENGTH, parsePermissionQuery } from './permission-query.parser';

const p = (name: string): PermissionQuery => ({ kind: 'permission', name });
const met = (query: string, held: string[]) => permissionQueryMet(parsePermissionQuery(query), new Set(held));

function errorOf(query: string): PermissionQueryError {
  try {
    parsePermissionQuery(query);
  } catch (error) {
    if (error instanceof PermissionQueryError) return error;
    throw error;
  }
  throw new Error(`"${query}" parsed`);
}

describe('parsePermissionQuery', () => {
  it('reads a single permission, with any of the characters a permission may hold', () => {
    expect(parsePermissionQuery('orders.read')).toEqual(p('orders.read'));
    expect(parsePermissionQuery('api:v1/orders_*-x')).toEqual(p('api:v1/orders_*-x'));
  });

  it('binds AND tighter than OR', () => {
    expect(parsePermissionQuery('a OR b AND c')).toEqual({ kind: 'or', operands: [p('a'), { kind: 'and', operands: [p('b'), p('c')] }] });
    expect(parsePermissionQuery('a AND b OR c')).toEqual({ kind: 'or', operands: [{ kind: 'and', operands: [p('a'), p('b')] }, p('c')] });
  });

  it('lets parentheses override precedence, and flattens chains of one operator', () => {
    expect(parsePermissionQuery('(orders.read OR orders.write) AND billing.read')).toEqual({
      kind: 'and',
      operands: [{ kind: 'or', operands: [p('orders.read'), p('orders.write')] }, p('billing.read')],
    });
    expect(parsePermissionQuery('a AND (b AND c) AND d')).toEqual({ kind: 'and', operands: [p('a'), p('b'), p('c'), p('d')] });
    expect(parsePermissionQuery('((a))')).toEqual(p('a'));
  });

  it('takes and/or in any case, and whitespace (spaces, tabs, newlines) anywhere between tokens or none around parentheses', () => {
    const expected = parsePermissionQuery('(a OR b) AND c');
    expect(parsePermissionQuery('(a or b) and c')).toEqual(expected);
    expect(parsePermissionQuery('(a Or b) aNd c')).toEqual(expected);
    expect(parsePermissionQuery('  (\ta\nOR\r\nb)AND   c  ')).toEqual(expected);
  });

  it('reads words that merely contain and/or as permissions', () => {
    expect(parsePermissionQuery('android OR orders')).toEqual({ kind: 'or', operands: [p('android'), p('orders')] });
    expect(parsePermissionQuery('and.read')).toEqual(p('and.read'));
  });

  it.each([
    ['(orders.read OR orders.write)) AND billing.read', 29, 'unexpected ")" at position 29: expected "AND", "OR" or the end of the query'],
    ['a AND', 5, 'unexpected end of query at position 5: expected a permission or "("'],
    ['OR a', 0, 'unexpected "OR" at position 0: expected a permission or "("'],
    ['a AND OR b', 6, 'unexpected "OR" at position 6: expected a permission or "("'],
    ['a b', 2, 'unexpected "b" at position 2: expected "AND", "OR" or the end of the query'],
    ['()', 1, 'unexpected ")" at position 1: expected a permission or "("'],
    ['(a OR b', 0, 'missing ")" to close the "(" at position 0'],
    ['(a b)', 3, 'unexpected "b" at position 3: expected "AND", "OR" or ")"'],
    ['a && b', 2, 'unexpected "&" at position 2'],
    ['orders.read, billing.read', 11, 'unexpected "," at position 11'],
    ['a AND "b"', 6, 'unexpected "\\"" at position 6'],
  ])('refuses %j at position %i', (query, position, message) => {
    const error = errorOf(query);
    expect(error.position).toBe(position);
    expect(error.message).toBe(message);
  });

  it('refuses an empty or blank query, and one longer than the limit, as a whole', () => {
    expect(errorOf('').message).toBe('the query is empty: name at least one permission');
    expect(errorOf('  \t ').position).toBeNull();
    const long = Array.from({ length: 200 }, (_, i) => `p${i}`).join(' OR ');
    expect(long.length).toBeGreaterThan(MAX_PERMISSION_QUERY_LENGTH);
    expect(errorOf(long).message).toBe(`the query is longer than ${MAX_PERMISSION_QUERY_LENGTH} characters`);
  });

  it('refuses a permission longer than 128 characters, naming where it starts', () => {
    expect(errorOf(`a OR ${'x'.repeat(129)}`).message).toBe('permission at position 5 is longer than 128 characters');
  });

  it(`parses ${MAX_PERMISSION_QUERY_DEPTH} levels of parentheses and refuses one more, naming the "(" that goes too deep`, () => {
    const nested = (depth: number) => `${'('.repeat(depth)}a${')'.repeat(depth)}`;
    expect(parsePermissionQuery(nested(MAX_PERMISSION_QUERY_DEPTH))).toEqual(p('a'));
    const error = errorOf(nested(MAX_PERMISSION_QUERY_DEPTH + 1));
    expect(error.position).toBe(MAX_PERMISSION_QUERY_DEPTH);
    expect(error.message).toBe(`"(" at position ${MAX_PERMISSION_QUERY_DEPTH} nests deeper than ${MAX_PERMISSION_QUERY_DEPTH} levels`);
  });
});

describe('permissionQueryMet', () => {
  it('needs every operand of AND and one of OR, by exact name', () => {
    const query = '(orders.read OR orders.write) AND billing.read';
    expect(met(query, ['orders.read', 'billing.read'])).toBe(true);
    expect(met(query, ['orders.write', 'billing.read'])).toBe(true);
    expect(met(query, ['orders.read', 'orders.write'])).toBe(false);
    expect(met(query, ['billing.read'])).toBe(false);
    expect(met(query, [])).toBe(false);
  });

  it('applies precedence when evaluating: a OR b AND c holds with a alone, not with c alone', () => {
    expect(met('a OR b AND c', ['a'])).toBe(true);
    expect(met('a OR b AND c', ['c'])).toBe(false);
    expect(met('(a OR b) AND c', ['a'])).toBe(false);
  });

  it('reads * literally: orders.* is met only by a permission named orders.*', () => {
    expect(met('orders.*', ['orders.read'])).toBe(false);
    expect(met('orders.*', ['orders.*'])).toBe(true);
  });

  it('is case-sensitive in names, though not in operators', () => {
    expect(met('Orders.Read', ['orders.read'])).toBe(false);
  });
});

describe('PermissionQueryCache', () => {
  it('parses a query once and hands back the same tree', () => {
    const cache = new PermissionQueryCache(10);
    expect(cache.get('a AND b')).toBe(cache.get('a AND b'));
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new PermissionQueryCache(2);
    const a = cache.get('a');
    cache.get('b');
    cache.get('a'); // now b is the least recently used
    cache.get('c');
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBe(a);
  });

  it('keeps no malformed query', () => {
    const cache = new PermissionQueryCache(2);
    expect(() => cache.get('a AND')).toThrow(PermissionQueryError);
    expect(cache.size).toBe(0);
  });
});
