import { BadRequestException } from '@nestjs/common';
import { ValidationError } from 'class-validator';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m === `property ${e.property} should not exist` ? `property ${path} is not allowed` : parent ? `${parent}.${m}` : m,
    );
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** One precise sentence per broken rule, joined: `name must be shorter than or equal to 100 characters`. */
export function validationExceptionFactory(errors: ValidationError[]): BadRequestException {
  const messages = flatten(errors);
  return new BadRequestException(messages.length ? messages.join('; ') : 'Request body is invalid');
}
