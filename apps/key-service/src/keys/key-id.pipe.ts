import { BadRequestException, PipeTransform } from '@nestjs/common';
import { KEY_ID_PATTERN } from './creating/create-key.request.dto';

/** Rejects a malformed key id in the path before it reaches a handler or the store. */
export class KeyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!KEY_ID_PATTERN.test(value)) throw new BadRequestException('Key id must be 1-128 characters of A-Z a-z 0-9 . _ -');
    return value;
  }
}
