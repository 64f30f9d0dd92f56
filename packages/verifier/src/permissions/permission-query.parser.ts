import { PERMISSION_PATTERN } from '../access/permission-names';
import { PermissionQuery, PermissionQueryError } from './permission-query';

/** Longest query parsed: far beyond any real one, short enough that parsing stays trivially cheap. */
export const MAX_PERMISSION_QUERY_LENGTH = 1000;
/** Deepest nesting of parentheses: the parser recurses once per level. */
export const MAX_PERMISSION_QUERY_DEPTH = 16;

type Token =
  | { readonly type: 'name' | 'and' | 'or'; readonly text: string; readonly at: number }
  | { readonly type: '(' | ')'; readonly text: string; readonly at: number }
  | { readonly type: 'end'; readonly text: ''; readonly at: number };

const NAME_CHAR = /[A-Za-z0-9._:*/-]/;
const SPACE = /[ \t\r\n]/;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (SPACE.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c, text: c, at: i++ });
    } else if (NAME_CHAR.test(c)) {
      const at = i;
      while (i < query.length && NAME_CHAR.test(query[i])) i++;
      const text = query.slice(at, i);
      const lower = text.toLowerCase();
      tokens.push({ type: lower === 'and' ? 'and' : lower === 'or' ? 'or' : 'name', text, at });
    } else {
      // JSON.stringify shows a control character or a quote unambiguously.
      throw new PermissionQueryError(`unexpected ${JSON.stringify(String.fromCodePoint(query.codePointAt(i)!))} at position ${i}`, i);
    }
  }
  tokens.push({ type: 'end', text: '', at: query.length });
  return tokens;
}

function describe(token: Token): string {
  return token.type === 'end' ? 'end of query' : `"${token.text}"`;
}

/**
 * Parses `(orders.read OR orders.write) AND billing.read`. Grammar (docs/security.md):
 *
 *   query = or ;  or = and { "OR" and } ;  and = primary { "AND" primary } ;
 *   primary = permission | "(" or ")"
 *
 * AND binds tighter than OR; `and` / `or` in any case; whitespace anywhere between tokens.
 * Throws PermissionQueryError naming what it found and its 0-based position.
 */
export function parsePermissionQuery(query: string): PermissionQuery {
  if (query.length > MAX_PERMISSION_QUERY_LENGTH)
    throw new PermissionQueryError(`the query is longer than ${MAX_PERMISSION_QUERY_LENGTH} characters`, null);
  const tokens = tokenize(query);
  if (tokens.length === 1) throw new PermissionQueryError('the query is empty: name at least one permission', null);
  let next = 0;
  const peek = () => tokens[next];
  const expected = (what: string): never => {
    const token = peek();
    throw new PermissionQueryError(`unexpected ${describe(token)} at position ${token.at}: expected ${what}`, token.at);
  };

  function or(depth: number): PermissionQuery {
    const operands = [and(depth)];
    while (peek().type === 'or') {
      next++;
      operands.push(and(depth));
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands: operands.flatMap((q) => (q.kind === 'or' ? q.operands : [q])) };
  }

  function and(depth: number): PermissionQuery {
    const operands = [primary(depth)];
    while (peek().type === 'and') {
      next++;
      operands.push(primary(depth));
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands: operands.flatMap((q) => (q.kind === 'and' ? q.operands : [q])) };
  }

  function primary(depth: number): PermissionQuery {
    const token = peek();
    if (token.type === 'name') {
      if (!PERMISSION_PATTERN.test(token.text))
        throw new PermissionQueryError(`permission at position ${token.at} is longer than 128 characters`, token.at);
      next++;
      return { kind: 'permission', name: token.text };
    }
    if (token.type === '(') {
      if (depth >= MAX_PERMISSION_QUERY_DEPTH)
        throw new PermissionQueryError(`"(" at position ${token.at} nests deeper than ${MAX_PERMISSION_QUERY_DEPTH} levels`, token.at);
      next++;
      const inner = or(depth + 1);
      if (peek().type !== ')') {
        if (peek().type === 'end') throw new PermissionQueryError(`missing ")" to close the "(" at position ${token.at}`, token.at);
        expected('"AND", "OR" or ")"');
      }
      next++;
      return inner;
    }
    return expected('a permission or "("');
  }

  const result = or(0);
  if (peek().type !== 'end') expected('"AND", "OR" or the end of the query');
  return result;
}
