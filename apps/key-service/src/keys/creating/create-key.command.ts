import { Command } from '@nestjs/cqrs';
import { RateLimit, UsageQuota } from '@key-service/events';
import { KeyDetails } from '@keys/projections';
import { CommandContext } from '../command-context';

export interface CreateKeyInput {
  readonly name: string;
  readonly description?: string;
  readonly tenant?: string;
  readonly id?: string;
  readonly roles?: readonly string[];
  readonly owner?: string;
  readonly environment?: string;
  readonly prefix?: string;
  readonly expiresAt?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly rateLimit?: RateLimit;
  readonly quota?: { remaining: number; refill?: 'daily' | 'monthly' | null; refillAmount?: number | null };
  // Access restrictions, as the request gave them (checked; canonical once keyCreatedFor has them).
  readonly allowedIps?: readonly string[] | null;
  readonly permissions?: readonly string[];
}

export interface CreatedKey {
  readonly view: KeyDetails;
  /** The plaintext, for this one response only. */
  readonly plaintext: string;
}

export class CreateKeyCommand extends Command<CreatedKey> {
  constructor(
    readonly input: CreateKeyInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export function toQuota(q: CreateKeyInput['quota']): UsageQuota | null {
  if (!q) return null;
  return { remaining: q.remaining, refill: q.refill ?? null, refillAmount: q.refill ? (q.refillAmount ?? q.remaining) : null };
}
