import { KeyRecord } from '../api/api.types';

const WEEK_MS = 7 * 86_400_000;

interface Badge {
  readonly label: string;
  readonly tone: 'ok' | 'warn' | 'bad' | 'off';
}

/** What an operator must notice about a key, from its record and its last hour of verifications. */
export function keyBadges(record: KeyRecord, rateLimitedLastHour: boolean, now = Date.now()): Badge[] {
  const badges: Badge[] = [];
  if (record.status === 'REVOKED') badges.push({ label: 'revoked', tone: 'bad' });
  else if (record.status === 'EXPIRED') badges.push({ label: 'expired', tone: 'bad' });
  else if (record.status === 'DISABLED') badges.push({ label: 'disabled', tone: 'off' });
  else badges.push({ label: 'active', tone: 'ok' });
  if (record.status !== 'REVOKED' && record.status !== 'EXPIRED' && record.expiresAt !== null && Date.parse(record.expiresAt) - now < WEEK_MS)
    badges.push({ label: 'expires within 7 days', tone: 'warn' });
  if (rateLimitedLastHour) badges.push({ label: 'rate-limited in the last hour', tone: 'warn' });
  return badges;
}

export function KeyBadges({ record, rateLimitedLastHour = false }: { readonly record: KeyRecord; readonly rateLimitedLastHour?: boolean }) {
  return (
    <span className="badges">
      {keyBadges(record, rateLimitedLastHour).map((badge) => (
        <span key={badge.label} className={`badge badge-${badge.tone}`}>
          {badge.label}
        </span>
      ))}
    </span>
  );
}
