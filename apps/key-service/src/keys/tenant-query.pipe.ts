import { BadRequestException, PipeTransform } from '@nestjs/common';
import { TENANT_PATTERN, TENANT_PATTERN_MESSAGE } from './creating/create-key.request.dto';

/** Checks an optional `?tenant=` on key routes; absent stays undefined. */
export class TenantQueryPipe implements PipeTransform<unknown, string | undefined> {
  transform(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !TENANT_PATTERN.test(value)) throw new BadRequestException(TENANT_PATTERN_MESSAGE);
    return value;
  }
}
