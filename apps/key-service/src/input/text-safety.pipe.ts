import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { unsafeTextProblem } from './unsafe-text';

/**
 * Refuses NUL and unpaired surrogates in any body, query string or path param of any Nest route
 * with a 400 naming the field. A global pipe, so it runs inside each route's exception zone and
 * every dialect answers in its own error shape; verify-key.route.ts applies the same check.
 */
@Injectable()
export class TextSafetyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const problem = unsafeTextProblem(value, metadata.data ?? '');
    if (problem !== null) throw new BadRequestException(problem);
    return value;
  }
}
