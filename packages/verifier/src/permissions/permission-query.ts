/**
 * A parsed permission query: a permission name, or AND / OR over two or more operands (chains of
 * one operator are flattened, so `a AND b AND c` is one node of three).
 */
export type PermissionQuery =
  | { readonly kind: 'permission'; readonly name: string }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly PermissionQuery[] };

/** A query that is not one; `message` says what was found where (positions are 0-based offsets, as JSON.parse gives them). */
export class PermissionQueryError extends Error {
  constructor(
    message: string,
    /** 0-based offset into the query, or null for the query as a whole (empty, too long). */
    readonly position: number | null,
  ) {
    super(message);
    this.name = 'PermissionQueryError';
  }
}
