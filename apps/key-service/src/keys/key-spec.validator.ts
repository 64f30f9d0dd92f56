import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { validationExceptionFactory } from '../errors/validation-exception.factory';
import { fastKeySpec } from './key-spec.fast-check';

type Constructor<T> = new () => T;

/**
 * One item of a batch, checked with the rules and the message the single route's body gets
 * (BodyValidationPipe's options), so a batch item fails exactly as that create would. Throws the
 * BadRequestException the single route would answer.
 */
export async function validateKeySpec<T extends object>(type: Constructor<T>, item: unknown): Promise<T> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new BadRequestException('Each item must be a JSON object');
  // A common item passes a compiled check instead (key-spec.fast-check.ts); any other is judged here.
  const fast = fastKeySpec(type, item);
  if (fast) return fast;
  const value = plainToInstance(type, item);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw validationExceptionFactory(errors);
  return value;
}
