import { BadRequestException } from '@nestjs/common';

/** Cursors are opaque to clients: base64url of a position, checked on the way back in. */
export function encodeCursor(position: number | null): string | null {
  return position === null ? null : Buffer.from(`p:${position}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const match = /^p:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadRequestException('cursor is not a cursor this service issued');
  return Number(match[1]);
}
