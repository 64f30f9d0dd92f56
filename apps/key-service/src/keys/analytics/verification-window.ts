import { BadRequestException } from '@nestjs/common';
import { Granularity, VerificationRange } from '@keys/projections';
import { VerificationsQueryDto } from './verifications.query.dto';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_SPAN_MS = 36 * HOUR_MS;

/** The longest range each granularity answers: beyond it a response would be thousands of buckets. */
export const MAX_SPAN: Readonly<Record<Granularity, { ms: number; words: string }>> = {
  minute: { ms: 48 * HOUR_MS, words: '48 hours' },
  hour: { ms: 90 * DAY_MS, words: '90 days' },
  day: { ms: 5 * 366 * DAY_MS, words: '5 years' },
};

/** The range a request asks for, with the defaults filled in; 400 with the rule it breaks. */
export function verificationWindow(query: VerificationsQueryDto, now: number = Date.now()): VerificationRange {
  const granularity = query.granularity ?? 'hour';
  const to = query.to !== undefined ? new Date(query.to) : new Date(now);
  const from = query.from !== undefined ? new Date(query.from) : new Date(to.getTime() - DEFAULT_SPAN_MS);
  if (from.getTime() >= to.getTime()) throw new BadRequestException(`from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  const max = MAX_SPAN[granularity];
  if (to.getTime() - from.getTime() > max.ms)
    throw new BadRequestException(`granularity=${granularity} covers at most ${max.words}: narrow from..to or use a coarser granularity`);
  return { granularity, from, to };
}
