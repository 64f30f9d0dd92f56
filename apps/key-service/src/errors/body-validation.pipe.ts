import { ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';
import { fastKeySpec } from '../keys/key-spec.fast-check';
import { validationExceptionFactory } from './validation-exception.factory';

/**
 * Nest's ValidationPipe, strict: unknown fields are errors, every broken rule is reported, and a body that is not a JSON object (an array, a string) is refused outright.
 */
@Injectable()
export class BodyValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      exceptionFactory: validationExceptionFactory,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value)))
      throw new BadRequestException('Request body must be a JSON object');
    // The common create body passes a compiled check instead (key-spec.fast-check.ts); anything else, as before.
    const fast = metadata.type === 'body' && metadata.metatype ? fastKeySpec(metadata.metatype as new () => object, value) : null;
    if (fast) return fast;
    return super.transform(value, metadata);
  }
}
