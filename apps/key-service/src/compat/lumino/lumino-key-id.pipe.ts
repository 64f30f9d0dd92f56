import { NotFoundException, PipeTransform } from '@nestjs/common';
import { isUuid } from '../uuid';

/**
 * Lumino's ids are UUIDs (`format: uuid`), so its routes show only keys whose id is one: every key
 * created through Lumino, v2, Fireworks or /v1 without a chosen id. A key with a caller-chosen id
 * (Fusion, /v1 with `id`) does not exist for a Lumino client: left out of the list, 404 on get and
 * delete, decided before any lookup so the answer says nothing about whether such a key exists.
 */
export class LuminoKeyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value))
      throw new NotFoundException('No Lumino API key has this id: Lumino ids are UUIDs, and keys with other ids are not shown on /v1/api-keys');
    return value;
  }
}
