const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** An open object (with the keys seen so far) or array, and where it sits in the body. */
interface Frame {
  readonly keys: Set<string> | null;
  readonly path: string;
  key: string;
  index: number;
  expectKey: boolean;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function childPath(parent: Frame): string {
  return parent.keys ? join(parent.path, parent.key) : `${parent.path}[${parent.index}]`;
}

/** Index of the quote that closes the string opening at `start`: the first one not escaped. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    let before = quote - 1;
    while (text.charCodeAt(before) === BACKSLASH) before--;
    if ((quote - 1 - before) % 2 === 0) return quote;
    from = quote + 1;
  }
}

/**
 * What JSON.parse cannot say about a body: that it nests deeper than `maxDepth` (class-validator,
 * class-transformer and every other walker after the parser recurse, and a 14 KB body can nest
 * 2,400 levels and overflow the stack), or that an object names a key twice (JSON.parse keeps the
 * last silently; the client meant one of them). One loop, no recursion, in the order the text
 * is written; `text` must already be valid JSON (JSON.parse accepted it), which the string
 * skipping relies on. Returns the first problem as a 400 message, or null.
 */
export function jsonShapeProblem(text: string, maxDepth: number): string | null {
  const frames: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = frames[frames.length - 1];
      if (top?.keys && top.expectKey) {
        const raw = text.slice(i + 1, end);
        // "\u0061" and "a" are the same key; only an escaped key needs decoding.
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (top.keys.has(key)) return `${join(top.path, key)} is given more than once`;
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (frames.length === maxDepth) return `Request body is nested deeper than ${maxDepth} levels`;
      const parent = frames[frames.length - 1];
      const isObject = c === OPEN_OBJECT;
      frames.push({ keys: isObject ? new Set() : null, path: parent ? childPath(parent) : '', key: '', index: 0, expectKey: isObject });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      frames.pop();
    } else if (c === COMMA) {
      const top = frames[frames.length - 1];
      if (top.keys) top.expectKey = true;
      else top.index++;
    }
  }
  return null;
}
