import { PermissionQuery } from './permission-query';
import { parsePermissionQuery } from './permission-query.parser';

/**
 * Parsed queries by their text, least recently used dropped past `capacity`: a service asks the
 * same few queries on every request, so each is parsed once, and a caller sending endless distinct
 * queries only costs parses, never memory. A malformed query throws (PermissionQueryError) and is
 * not kept.
 */
export class PermissionQueryCache {
  private readonly parsed = new Map<string, PermissionQuery>();

  constructor(private readonly capacity = 1000) {}

  get(query: string): PermissionQuery {
    const hit = this.parsed.get(query);
    if (hit) {
      // A Map iterates in insertion order: re-inserting makes this the most recently used.
      this.parsed.delete(query);
      this.parsed.set(query, hit);
      return hit;
    }
    const fresh = parsePermissionQuery(query);
    this.parsed.set(query, fresh);
    if (this.parsed.size > this.capacity) this.parsed.delete(this.parsed.keys().next().value!);
    return fresh;
  }

  get size(): number {
    return this.parsed.size;
  }
}
