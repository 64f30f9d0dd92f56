import { BadRequestException } from '@nestjs/common';

/**
 * Cursors are opaque to clients: base64url of a kind and a number, checked on the way back in.
 * `p` is a global position (lists, the audit trail), `v` a version within one key's stream (its
 * history), so a cursor from one kind of page is refused by the other instead of misread.
 */
type CursorKind = 'p' | 'v';

/** The largest number each kind's column holds exactly: a larger one was not issued here, and must not reach SQL. */
const LARGEST: Record<CursorKind, number> = { p: Number.MAX_SAFE_INTEGER, v: 2_147_483_647 };

export function encodeCursor(position: number | null, kind: CursorKind = 'p'): string | null {
  return position === null ? null : Buffer.from(`${kind}:${position}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, kind: CursorKind = 'p'): number | undefined {
  if (cursor === undefined) return undefined;
  const match = new RegExp(`^${kind}:(\\d{1,16})$`).exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const value = match ? Number(match[1]) : Number.NaN;
  if (!(value <= LARGEST[kind])) throw new BadRequestException('cursor is not a cursor this service issued');
  return value;
}
