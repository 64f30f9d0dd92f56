import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

const DECIMAL_DIGITS = /^\d+$/;

/**
 * The one rule for an integer in a query string, on every route: plain decimal digits, then the
 * bounds. `Number()` alone would also read `0x10`, `+5`, `1e2`, ` 7` and `` (zero) as integers.
 */
export function IsQueryInteger(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value)),
    IsInt({ message: '$property must be an integer written in decimal digits' }),
    Min(min),
    Max(max),
  );
}
