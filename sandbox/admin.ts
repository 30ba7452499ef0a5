/** The admin API under `/__sandbox/`: request log, faults, Plivo orders, reset, accounts. JSON, no auth. */
import type { VendorResponse } from "./http.js";
import type { LogFilter } from "./log.js";
import type { Sandbox } from "./server.js";
import { vendorUrls } from "./types.js";
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

/** One admin request after routing: `params` are the path's `:name` segments. */
interface AdminCall {
  sb: Sandbox;
  query: URLSearchParams;
  rawBody: string;
  baseUrl: string;
  params: Record<string, string>;
}

type Handler = (call: AdminCall) => VendorResponse;

const ENDPOINTS = [
  "GET /__sandbox/requests?vendor=&account=&since=",
  "DELETE /__sandbox/requests",
  "GET|POST|DELETE /__sandbox/faults",
  "DELETE /__sandbox/faults/<id>",
  "GET /__sandbox/plivo/orders",
  "POST /__sandbox/plivo/orders/<id>/complete",
  "POST /__sandbox/reset",
  "GET /__sandbox/accounts",
  "GET /__sandbox/holdings",
];

function index({ sb, baseUrl }: AdminCall): VendorResponse {
  return json(200, {
    vendors: vendorUrls(baseUrl),
    seed: sb.seed,
    variants: sb.variants.list(),
    endpoints: ENDPOINTS,
  });
}

function listRequests({ sb, query }: AdminCall): VendorResponse {
  const sinceRaw = query.get("since");
  const since = sinceRaw === null || sinceRaw === "" ? undefined : parseIntStrict(sinceRaw);
  if (sinceRaw && since === undefined) return json(400, { error: "since must be a sequence number >= 0" });
  const filter: LogFilter = {
    vendor: query.get("vendor"),
    account: query.get("account"),
  };
  if (since !== undefined) filter.since = since;
  return json(200, { requests: sb.log.list(filter) });
}

function clearFaults({ sb }: AdminCall): VendorResponse {
  const n = sb.faults.list().length;
  sb.faults.clear();
  return json(200, { cleared: n });
}

function addFault({ sb, rawBody }: AdminCall): VendorResponse {
  const body = parseBody(rawBody);
  if (!body.ok) return json(400, { error: "malformed JSON body" });
  const added = sb.faults.add(body.value);
  if ("errors" in added) return json(400, { error: "invalid fault rule", problems: added.errors });
  return json(201, added.rule);
}

function removeFault({ sb, params }: AdminCall): VendorResponse {
  const id = params["id"] ?? "";
  return sb.faults.remove(id) ? json(200, { deleted: id }) : json(404, { error: `no fault ${id}` });
}

function listOrders({ sb, query }: AdminCall): VendorResponse {
  const status = query.get("status");
  const account = query.get("account");
  const orders = [...sb.state.plivoOrders.values()]
    .filter((o) => (!status || o.status === status) && (!account || o.authId === account))
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((o) => sb.plivo.orderView(o));
  return json(200, { orders });
}

/** Values per account, each list sorted. */
function byAccount<T>(items: Iterable<T>, pick: (x: T) => [string, string]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const x of items) {
    const [account, value] = pick(x);
    const list = out[account] ?? [];
    list.push(value);
    out[account] = list;
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

function holdings({ sb }: AdminCall): VendorResponse {
  const st = sb.state;
  return json(200, {
    exotel: byAccount(st.exotel.values(), (r) => [r.accountSid, r.e164]),
    plivo: byAccount(st.plivo.values(), (r) => [r.authId, r.number]),
    apifonica: byAccount(st.apifonica.values(), (r) => [r.accountSid, r.digits]),
    apifonicaApplications: byAccount(st.apps.values(), (x) => [x.accountSid, x.sid]),
    plivoPendingOrders: byAccount(
      [...st.plivoOrders.values()].filter((o) => o.status === "pending"),
      (o) => [o.authId, o.id],
    ),
  });
}

function count<T>(items: Iterable<T>, pred: (x: T) => boolean): number {
  let n = 0;
  for (const x of items) if (pred(x)) n++;
  return n;
}

function accounts({ sb }: AdminCall): VendorResponse {
  const st = sb.state;
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

/** Path (segments, `:name` matches any one) -> handler per method. */
const ROUTES: ReadonlyArray<{ path: string; methods: Record<string, Handler> }> = [
  { path: "", methods: { GET: index } },
  {
    path: "requests",
    methods: {
      GET: listRequests,
      DELETE: ({ sb }) => json(200, { cleared: sb.log.clear() }),
    },
  },
  {
    path: "faults",
    methods: {
      GET: ({ sb }) => json(200, { faults: sb.faults.list(), fired: sb.faults.totals() }),
      POST: addFault,
      DELETE: clearFaults,
    },
  },
  { path: "faults/:id", methods: { DELETE: removeFault } },
  { path: "plivo/orders", methods: { GET: listOrders } },
  {
    path: "plivo/orders/:id/complete",
    methods: {
      POST: ({ sb, params }) => {
        const r = sb.plivo.completeOrder(params["id"] ?? "");
        return json(r.status, r.body);
      },
    },
  },
  {
    path: "reset",
    methods: {
      POST: ({ sb }) => {
        sb.reset();
        return json(200, { reset: true, seed: sb.seed });
      },
    },
  },
  { path: "holdings", methods: { GET: holdings } },
  { path: "accounts", methods: { GET: accounts } },
];

/** The `:name` segments of `segs` when they fit the route path, else undefined. */
function match(path: string, segs: string[]): Record<string, string> | undefined {
  const parts = path === "" ? [] : path.split("/");
  if (parts.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const seg = segs[i] ?? "";
    if (part.startsWith(":")) params[part.slice(1)] = seg;
    else if (part !== seg) return undefined;
  }
  return params;
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
  for (const r of ROUTES) {
    const params = match(r.path, segs);
    if (!params) continue;
    const handler = Object.hasOwn(r.methods, method) ? r.methods[method] : undefined;
    if (!handler) return json(405, { error: `${method} is not allowed on /__sandbox/${route}` });
    return handler({ sb, query, rawBody, baseUrl, params });
  }
  return json(404, { error: `unknown admin path /__sandbox/${route}` });
}
