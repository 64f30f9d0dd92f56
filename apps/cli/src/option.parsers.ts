import { InvalidArgumentError } from 'commander';

/** Commander's fold for an option given several times (`--role a --role b`). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

export function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number written in digits');
  return Number(value);
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `15m`, `1h`, `7d` → seconds. */
export function durationSeconds(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('must be seconds or a duration like 90s, 15m, 1h, 24h, 7d');
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}

/** `--annotation team=payments`, repeatable, into an object. */
export function annotation(value: string, previous: Readonly<Record<string, string>> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('must be name=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `100/1m`: 100 verifications per minute. */
export function rateLimit(value: string): { limit: number; durationMs: number } {
  const match = /^(\d+)\/(\d+[smhd]?)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('must be <limit>/<window>, e.g. 100/1m');
  return { limit: Number(match[1]), durationMs: durationSeconds(match[2]) * 1000 };
}

/** `--if-match 3` or the ETag as GET sent it (`"3"`). */
export function entityTag(value: string): string {
  if (/^\d+$/.test(value)) return `"${value}"`;
  if (/^"\d+"$/.test(value)) return value;
  throw new InvalidArgumentError('must be the key version, e.g. 3');
}
