/**
 * NUL, or half of a UTF-16 surrogate pair without the other half. PostgreSQL refuses both in
 * text and jsonb, so one that reached the event store was a 500; no key field has a use for them.
 * With the `u` flag the class matches only lone surrogates: a pair is one code point.
 */
const UNSAFE_TEXT = /[\x00\ud800-\udfff]/u;

export const UNSAFE_TEXT_RULE = 'must not contain NUL or unpaired surrogate characters';

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The first string or object key in `value` with unsafe text, as a 400 message that names the
 * field (`annotations.team must not …`), or null. Recursive: it sees bodies only after the JSON
 * parser refused any deeper than MAX_JSON_DEPTH, and query strings and path params, which are flat.
 */
export function unsafeTextProblem(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return UNSAFE_TEXT.test(value) ? `${path || 'Request body'} ${UNSAFE_TEXT_RULE}` : null;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = unsafeTextProblem(value[i], `${path}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (UNSAFE_TEXT.test(key)) return `${path ? `Keys of ${path}` : 'Field names'} ${UNSAFE_TEXT_RULE}`;
    const problem = unsafeTextProblem((value as Record<string, unknown>)[key], join(path, key));
    if (problem !== null) return problem;
  }
  return null;
}
