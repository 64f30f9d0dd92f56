import { Command, Option } from 'commander';
import { ApiClient, ApiError, QueryValue } from './api.client';
import { CliContext } from './cli.context';
import { CliError } from './cli.error';
import { ExitCode } from './exit-codes';
import { KeyRecordDto } from './key.view';
import { formatFields, formatTable } from './table.formatter';
import { GRANULARITIES, KeyVerifications, TenantVerifications, VerificationBucket } from './verification-analytics';

interface UsageOptions {
  tenant?: string;
  from?: string;
  to?: string;
  granularity?: string;
}

const MISSING_ANALYTICS = 'this key service has no verification analytics yet (it answered 404 for the route); only the usage counters are shown';

/**
 * A 404 for an unknown route reads `Cannot GET /v1/...` (Nest's own message), while a missing key
 * names the key: only the first means the server predates the analytics.
 */
function isUnknownRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && /^Cannot GET /.test(error.message);
}

async function analytics<T>(client: ApiClient, path: string, query: Readonly<Record<string, QueryValue>>): Promise<T | null> {
  try {
    return (await client.call<T>('GET', path, { query })).body;
  } catch (error) {
    if (isUnknownRoute(error)) return null;
    throw error;
  }
}

function bucketTable(buckets: readonly VerificationBucket[]): string {
  if (buckets.length === 0) return 'No verifications in this range.';
  // Codes in the order they first appear, so a code added later shows without a CLI release.
  const codes = [...new Set(buckets.flatMap((b) => Object.keys(b.counts)))];
  return formatTable(
    ['START', 'TOTAL', ...codes],
    buckets.map((b) => [b.start, String(b.total), ...codes.map((c) => String(b.counts[c] ?? 0))]),
  );
}

const rangeLine = (v: { granularity: string; from: string; to: string }): string =>
  `Verifications per ${v.granularity}, ${v.from} to ${v.to} (buckets without verifications left out):`;

export function addUsageCommand(program: Command): void {
  program
    .command('usage')
    .summary('usage counters and verifications over time')
    .description("a key's usage counters and its verifications over time; without an id, the whole tenant's and its top keys")
    .argument('[id]', 'the key id')
    .option('--tenant <tenant>', "the key's tenant, or (root key) the tenant to sum over")
    .option('--from <date-time>', 'RFC 3339 start (default: 36 hours before --to)')
    .option('--to <date-time>', 'RFC 3339 end (default: now)')
    .addOption(new Option('--granularity <unit>', 'bucket size (default hour)').choices(GRANULARITIES))
    .action(async (id: string | undefined, o: UsageOptions, command: Command) => {
      const context = CliContext.of(command);
      const range = { from: o.from, to: o.to, granularity: o.granularity };
      if (id === undefined) {
        const body = await analytics<TenantVerifications>(context.client, '/v1/verifications', { ...range, tenant: o.tenant });
        if (body === null) throw new CliError(ExitCode.NotFound, MISSING_ANALYTICS.replace('; only the usage counters are shown', ''));
        context.print(body, () =>
          [
            rangeLine(body),
            bucketTable(body.buckets),
            '',
            'Top keys by volume:',
            body.topKeys.byVolume.length ? formatTable(['KEY', 'TENANT', 'NAME', 'TOTAL'], body.topKeys.byVolume.map((k) => [k.keyId, k.tenant, k.name, String(k.total)])) : 'none',
            '',
            'Top keys by rejections:',
            body.topKeys.byRejections.length
              ? formatTable(['KEY', 'TENANT', 'NAME', 'REJECTED'], body.topKeys.byRejections.map((k) => [k.keyId, k.tenant, k.name, String(k.rejected)]))
              : 'none',
          ].join('\n'),
        );
        return;
      }
      const path = `/v1/keys/${encodeURIComponent(id)}`;
      const { body: key } = await context.client.call<KeyRecordDto>('GET', path, { query: { tenant: o.tenant } });
      const verifications = await analytics<KeyVerifications>(context.client, `${path}/verifications`, { ...range, tenant: o.tenant ?? key.tenant });
      if (verifications === null) process.stderr.write(`Note: ${MISSING_ANALYTICS}.\n`);
      const answer = { key: { id: key.id, tenant: key.tenant, name: key.name, usageCount: key.usageCount, lastUsedAt: key.lastUsedAt }, verifications };
      context.print(answer, () =>
        [
          formatFields([
            ['key', `${key.id} (tenant ${key.tenant})`],
            ['name', key.name],
            ['usage', `${key.usageCount} successful verifications`],
            ['last used', key.lastUsedAt ?? 'never'],
          ]),
          ...(verifications ? ['', rangeLine(verifications), bucketTable(verifications.buckets)] : []),
        ].join('\n'),
      );
    });
}
