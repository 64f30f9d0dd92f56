export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** One page, or with `all` every page from `cursor` on, joined into one whose nextCursor is null. */
export async function readPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, cursor: string | undefined, all: boolean): Promise<Page<T>> {
  let page = await fetchPage(cursor);
  if (!all) return page;
  const items = [...page.items];
  while (page.nextCursor !== null) {
    page = await fetchPage(page.nextCursor);
    items.push(...page.items);
  }
  return { items, nextCursor: null };
}
