/** The admin API under `/__sandbox/`: request log, faults, Plivo orders, reset, accounts. JSON, no auth. */
import type { VendorResponse } from "./http.js";
import type { Sandbox } from "./server.js";
import { parseIntStrict } from "./util.js";

function json(status: number, body: unknown): VendorResponse {
  return { status, body };
}

function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Serves one admin request; `path` is relative to `/__sandbox`. */
export function handleAdmin(
  sb: Sandbox,
  method: string,
  path: string,
  query: URLSearchParams,
  rawBody: string,
  baseUrl: string,
): VendorResponse {
  const segs = path.split("/").filter((s) => s !== "");
  const route = segs.join("/");
  const notAllowed = json(405, { error: `${method} is not allowed on /__sandbox/${route}` });

  if (route === "") {
    if (method !== "GET") return notAllowed;
    return json(200, {
      vendors: { exotel: `${baseUrl}/exotel`, plivo: `${baseUrl}/plivo`, apifonica: `${baseUrl}/apifonica` },
      seed: sb.seed,
      variants: sb.variants.list(),
      endpoints: [
        "GET /__sandbox/requests?vendor=&account=&since=",
        "DELETE /__sandbox/requests",
        "GET|POST|DELETE /__sandbox/faults",
        "DELETE /__sandbox/faults/<id>",
        "GET /__sandbox/plivo/orders",
        "POST /__sandbox/plivo/orders/<id>/complete",
        "POST /__sandbox/reset",
        "GET /__sandbox/accounts",
        "GET /__sandbox/holdings",
      ],
    });
  }

  if (route === "requests") {
    if (method === "DELETE") return json(200, { cleared: sb.clearRequests() });
    if (method !== "GET") return notAllowed;
    const sinceRaw = query.get("since");
    const since = sinceRaw === null || sinceRaw === "" ? undefined : parseIntStrict(sinceRaw);
    if (sinceRaw && since === undefined) return json(400, { error: "since must be a sequence number >= 0" });
    const filter: { vendor?: string | null; account?: string | null; since?: number } = {
      vendor: query.get("vendor"),
      account: query.get("account"),
    };
    if (since !== undefined) filter.since = since;
    return json(200, { requests: sb.requests(filter) });
  }

  if (route === "faults") {
    if (method === "GET") return json(200, { faults: sb.faults.list(), fired: sb.faults.totals() });
    if (method === "DELETE") {
      const n = sb.faults.list().length;
      sb.faults.clear();
      return json(200, { cleared: n });
    }
    if (method !== "POST") return notAllowed;
    const body = parseBody(rawBody);
    if (!body.ok) return json(400, { error: "malformed JSON body" });
    const added = sb.faults.add(body.value);
    if ("errors" in added) return json(400, { error: "invalid fault rule", problems: added.errors });
    return json(201, added.rule);
  }

  if (segs[0] === "faults" && segs.length === 2 && segs[1]) {
    if (method !== "DELETE") return notAllowed;
    return sb.faults.remove(segs[1])
      ? json(200, { deleted: segs[1] })
      : json(404, { error: `no fault ${segs[1]}` });
  }

  if (route === "plivo/orders") {
    if (method !== "GET") return notAllowed;
    const status = query.get("status");
    const account = query.get("account");
    const orders = [...sb.state.plivoOrders.values()]
      .filter((o) => (!status || o.status === status) && (!account || o.authId === account))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((o) => sb.plivo.orderView(o));
    return json(200, { orders });
  }

  if (segs[0] === "plivo" && segs[1] === "orders" && segs[2] && segs[3] === "complete" && segs.length === 4) {
    if (method !== "POST") return notAllowed;
    const r = sb.plivo.completeOrder(segs[2]);
    return json(r.status, r.body);
  }

  if (route === "reset") {
    if (method !== "POST") return notAllowed;
    sb.reset();
    return json(200, { reset: true, seed: sb.seed });
  }

  if (route === "holdings") {
    if (method !== "GET") return notAllowed;
    const st = sb.state;
    const of = <T>(items: Iterable<T>, pick: (x: T) => [string, string]) => {
      const out: Record<string, string[]> = {};
      for (const x of items) {
        const [account, value] = pick(x);
        const list = out[account] ?? [];
        list.push(value);
        out[account] = list;
      }
      for (const list of Object.values(out)) list.sort();
      return out;
    };
    return json(200, {
      exotel: of(st.exotel.values(), (r) => [r.accountSid, r.e164]),
      plivo: of(st.plivo.values(), (r) => [r.authId, r.number]),
      apifonica: of(st.apifonica.values(), (r) => [r.accountSid, r.digits]),
      apifonicaApplications: of(st.apps.values(), (x) => [x.accountSid, x.sid]),
      plivoPendingOrders: of(
        [...st.plivoOrders.values()].filter((o) => o.status === "pending"),
        (o) => [o.authId, o.id],
      ),
    });
  }

  if (route === "accounts") {
    if (method !== "GET") return notAllowed;
    const st = sb.state;
    const count = <T>(items: Iterable<T>, pred: (x: T) => boolean) => {
      let n = 0;
      for (const x of items) if (pred(x)) n++;
      return n;
    };
    const limits = sb.resolved;
    return json(200, {
      exotel: sb.accounts.exotel.map((a, i) => ({
        ...a,
        rateLimit: limits.exotel[i]?.rateLimit,
        rented: count(st.exotel.values(), (r) => r.accountSid === a.accountSid),
      })),
      plivo: sb.accounts.plivo.map((a, i) => ({
        ...a,
        rateLimit: limits.plivo[i]?.rateLimit,
        rented: count(st.plivo.values(), (r) => r.authId === a.authId),
        pendingOrders: count(st.plivoOrders.values(), (o) => o.authId === a.authId && o.status === "pending"),
      })),
      apifonica: sb.accounts.apifonica.map((a, i) => ({
        ...a,
        rateLimit: limits.apifonica[i]?.rateLimit,
        rented: count(st.apifonica.values(), (r) => r.accountSid === a.accountSid),
        applications: count(st.apps.values(), (x) => x.accountSid === a.accountSid),
      })),
    });
  }

  return json(404, { error: `unknown admin path /__sandbox/${route}` });
}
