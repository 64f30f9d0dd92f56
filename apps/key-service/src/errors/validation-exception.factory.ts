import { BadRequestException } from '@nestjs/common';
import { ValidationError } from 'class-validator';

/**
 * When a value has the wrong type, the type is the only thing worth saying: "name must be a
 * string", not also that a number is not between 1 and 100 characters long.
 */
const TYPE_CONSTRAINTS = ['isDefined', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isArray', 'isObject', 'nestedValidation'];

function ownMessages(e: ValidationError, path: string, parent: string): string[] {
  const constraints = e.constraints ?? {};
  const typeError = TYPE_CONSTRAINTS.find((c) => constraints[c] !== undefined);
  const messages = typeError ? [constraints[typeError]] : Object.values(constraints);
  return messages.map((m) =>
    m === `property ${e.property} should not exist` ? `property ${path} is not allowed` : parent ? `${parent}.${m}` : m,
  );
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    return [...ownMessages(e, path, parent), ...flatten(e.children ?? [], path)];
  });
}

/** One precise sentence per broken rule, joined: `name must be shorter than or equal to 100 characters`. */
export function validationExceptionFactory(errors: ValidationError[]): BadRequestException {
  const messages = flatten(errors);
  return new BadRequestException(messages.length ? messages.join('; ') : 'Request body is invalid');
}
