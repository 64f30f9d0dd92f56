/**
 * Rows a bulk rebuild writes per statement: large enough that a statement's round trip and
 * planning are noise beside its rows, small enough that one parameter stays a few megabytes.
 */
export const REBUILD_ROWS_PER_STATEMENT = 5_000;

export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
