/**
 * The verbs every vendor client offers under the same names: search, rent, get, list, update,
 * release. Resource code written against these works for any vendor; what differs is only the
 * shape of the query, the records and the patch (the type parameters).
 */
import type { z } from "zod";
import type { VendorHttp } from "./http.js";
import { items } from "./paging.js";

/** The types a vendor's verbs take and give. */
export interface VendorVerbTypes {
  /** What `search` takes. */
  query: unknown;
  /** One number for sale, as `search` yields it. */
  offer: unknown;
  /** What `rent` takes. */
  rent: unknown;
  /** What `rent` answers. */
  rented: unknown;
  /** A held number as `get` answers it. */
  record: unknown;
  /** A held number as `list` yields it. */
  held: unknown;
  /** The options of `list`. */
  listOptions: unknown;
  /** What `update` takes. */
  patch: unknown;
  /** What `update` answers. */
  updated: unknown;
}

/** One vendor account's numbers, with the same verbs for every vendor. */
export interface VendorClient<T extends VendorVerbTypes> {
  /** Numbers for sale, lazily (a vendor that answers one array yields it). */
  search(query: T["query"]): AsyncIterable<T["offer"]>;
  /** Rents (buys) one number. Never retried: on an ambiguous error, look the number up. */
  rent(params: T["rent"]): Promise<T["rented"]>;
  /** One held number by its id (the vendor's sid, or the number where the vendor keys by number). */
  get(id: string): Promise<T["record"]>;
  /** Every held number, fetching page N+1 only once page N is consumed. */
  list(options?: T["listOptions"]): AsyncIterable<T["held"]>;
  /** Every held number, page by page. */
  listPages(options?: T["listOptions"]): AsyncIterable<T["held"][]>;
  /** Partial update of a held number. */
  update(id: string, patch: T["patch"]): Promise<T["updated"]>;
  /** Gives a held number back. */
  release(id: string): Promise<void>;
}

/** What the vendor clients share: the account's HTTP layer, `list` from `listPages`, GET and DELETE of one record. */
export abstract class VendorClientBase<T extends VendorVerbTypes> implements VendorClient<T> {
  /**
   * @param http The account's HTTP layer.
   * @param base The account's path prefix (relative to the base URL, segments encoded).
   */
  constructor(
    protected readonly http: VendorHttp,
    protected readonly base: string,
  ) {}

  abstract search(query: T["query"]): AsyncIterable<T["offer"]>;
  abstract rent(params: T["rent"]): Promise<T["rented"]>;
  abstract get(id: string): Promise<T["record"]>;
  abstract listPages(options?: T["listOptions"]): AsyncIterable<T["held"][]>;
  abstract update(id: string, patch: T["patch"]): Promise<T["updated"]>;
  abstract release(id: string): Promise<void>;

  list(options?: T["listOptions"]): AsyncIterable<T["held"]> {
    return items(this.listPages(options));
  }

  /** One GET of one record (retried as reads are), validated by `schema`. */
  protected read<S extends z.ZodType>(operation: string, path: string, schema: S): Promise<z.infer<S>> {
    return this.http.call({ operation, method: "GET", path, schema });
  }

  /** One DELETE of one record (retried as releases are: a 404 after a lost answer is the caller's to read). */
  protected async remove<S extends z.ZodType>(operation: string, path: string, schema: S): Promise<void> {
    await this.http.call({ operation, method: "DELETE", path, schema });
  }
}

/** A search answered in one array, as a lazy iterable (the request is sent when iteration starts). */
export async function* yieldAll<T>(answer: () => Promise<T[]>): AsyncGenerator<T, void, undefined> {
  yield* await answer();
}
