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

/**
 * One walk over a vendor list whose answers name the next page by a link (Exotel `next_page_uri`,
 * Plivo `meta.next`, Apifonica `next`). The client says how to fetch a page, where an answer keeps
 * its items and its link, and which cursor the link's query parameters give; the walk does the rest.
 */
export interface LinkedPages<C, B, T> {
  /** The cursor of the first page. */
  first: C;
  /** Fetches (and validates) the answer at `cursor`. */
  fetch(cursor: C): Promise<B>;
  /** The items of an answer. */
  items(body: B): T[];
  /** The answer's next-page link (an absolute or relative URL); empty or missing on the last page. */
  link(body: B): string | null | undefined;
  /** The cursor after `current` that the link's query parameters give; undefined when they give none usable. */
  next(params: URLSearchParams, current: C): C | undefined;
  /** Builds the error thrown for a link without a usable cursor, or one that repeats a cursor. */
  fail(detail: string): Error;
  /** `fail` detail for a link without a usable cursor. */
  unusable: string;
  /** `fail` detail for a link that repeats a cursor already followed. */
  repeated: string;
}

/** The query parameters of a next-page link; empty when it is not a URL. Only the cursor is used: the host is ours. */
export function linkParams(link: string): URLSearchParams {
  try {
    return new URL(link, "http://next.invalid/").searchParams;
  } catch {
    return new URLSearchParams();
  }
}

/** Walks a linked list lazily, page by page (see `walkPages`). */
export function walkLinked<C, B, T>(spec: LinkedPages<C, B, T>): AsyncGenerator<T[], void, undefined> {
  return walkPages<C, T>(
    spec.first,
    async (cursor) => {
      const body = await spec.fetch(cursor);
      return { items: spec.items(body), next: followLink(spec, spec.link(body), cursor) };
    },
    () => spec.fail(spec.repeated),
  );
}

function followLink<C, B, T>(
  spec: LinkedPages<C, B, T>,
  link: string | null | undefined,
  current: C,
): C | undefined {
  if (!link) {
    return undefined;
  }
  const next = spec.next(linkParams(link), current);
  if (next === undefined) {
    throw spec.fail(spec.unusable);
  }
  return next;
}
