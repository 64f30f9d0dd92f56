import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { parseRfc3339 } from './rfc3339';

/**
 * The one rule for a date-time field, in a body or a query, on every route: an RFC 3339
 * date-time (see parseRfc3339). A valid one is rewritten to its canonical ISO form
 * (`2030-01-01T12:00:00.000Z`) before validation, so the code behind it can trust `new Date(x)`
 * with lower-case `t`/`z`, offsets and leap seconds; anything else is left as sent and refused.
 */
export function IsRfc3339DateTime(options: { orNull?: boolean } = {}): PropertyDecorator {
  const suffix = options.orNull ? ' or null' : '';
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseRfc3339(value)?.toISOString() ?? value) : value)),
    ValidateBy({
      name: 'isRfc3339DateTime',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseRfc3339(value) !== null,
        defaultMessage: (args) => `${args?.property} must be an RFC 3339 date-time${suffix}, e.g. 2030-01-01T00:00:00Z`,
      },
    }),
  );
}
