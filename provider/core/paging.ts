/** Lazy walks over paged vendor lists. */

export interface Page<C, T> {
  items: T[];
  /** The cursor of the next page, or undefined on the last page. */
  next: C | undefined;
}

/**
 * Yields one page at a time, fetching page N+1 only when the consumer asks for more after page N.
 * `onLoop` builds the error thrown when the vendor hands back a cursor it already gave (which
 * would otherwise walk forever).
 */
export async function* walkPages<C, T>(
  first: C,
  fetchPage: (cursor: C) => Promise<Page<C, T>>,
  onLoop: () => Error,
): AsyncGenerator<T[], void, undefined> {
  const seen = new Set<string>([JSON.stringify(first)]);
  let cursor: C | undefined = first;
  while (cursor !== undefined) {
    const page: Page<C, T> = await fetchPage(cursor);
    yield page.items;
    if (page.next === undefined) {
      return;
    }
    const key = JSON.stringify(page.next);
    if (seen.has(key)) {
      throw onLoop();
    }
    seen.add(key);
    cursor = page.next;
  }
}

/** Flattens a walk of pages into a walk of items (still lazy). */
export async function* items<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T, void, undefined> {
  for await (const page of pages) {
    yield* page;
  }
}
