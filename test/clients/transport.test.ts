/**
 * The transport (provider/core/transport.ts) against a bare local HTTP server: which failures are
 * sent again, how often, and what each failure says of the request (sent or not).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { limiterFor } from "../../provider/core/limiter.js";
import { HttpStatusError, type Outgoing, Transport, TransportError } from "../../provider/core/transport.js";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

let server: http.Server;
let base = "";
let handler: Handler = (_req, res) => res.end("{}");
const seen: { method: string; url: string; type: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", type: req.headers["content-type"], body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

let n = 0;
function transport(opts: { retryLimit?: number; responseMs?: number } = {}) {
  return new Transport({
    baseUrl: base,
    headers: { "user-agent": "test", authorization: "Basic dGVzdDp0ZXN0" },
    timeouts: { connectMs: 2_000, responseMs: opts.responseMs ?? 5_000 },
    limiter: limiterFor(`test:transport:${n++}`, { requests: 1_000, windowMs: 1_000 }),
    retryLimit: opts.retryLimit ?? 2,
    maxRetryAfterMs: 60_000,
  });
}

const get: Outgoing = { method: "GET", path: "numbers", retry: true };
const rent: Outgoing = {
  method: "POST",
  path: "numbers",
  body: { type: "application/json", text: '{"number":"+441234"}' },
  retry: false,
};

/** Answers `status` (with headers) to the first `times` requests, then 200. */
function failing(times: number, status: number, headers: Record<string, string> = {}): Handler {
  let left = times;
  return (_req, res) => {
    if (left-- > 0) res.writeHead(status, headers).end('{"error":"busy"}');
    else res.end('{"ok":true}');
  };
}

describe("transport", () => {
  it("sends the path under the base URL, the query, the headers and the body", async () => {
    handler = (_req, res) => res.end('{"ok":true}');
    const answer = await transport().send({
      ...rent,
      query: new URLSearchParams({ limit: "20", voice: "true" }),
    });
    expect(answer).toMatchObject({ status: 200, text: '{"ok":true}' });
    expect(seen).toEqual([
      {
        method: "POST",
        url: "/v1/numbers?limit=20&voice=true",
        type: "application/json",
        body: '{"number":"+441234"}',
      },
    ]);
  });

  it("sends a retryable request again after 503 and 429, honouring a short Retry-After", async () => {
    handler = failing(2, 503, { "retry-after": "0" });
    await expect(transport().send(get)).resolves.toMatchObject({ status: 200 });
    expect(seen).toHaveLength(3);
    handler = failing(1, 429);
    await expect(transport().send(get)).resolves.toMatchObject({ status: 200 });
    expect(seen).toHaveLength(5);
  });

  it("stops after its retry limit, with the last answer", async () => {
    handler = failing(10, 502);
    const err = await transport({ retryLimit: 1 })
      .send(get)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).answer).toMatchObject({ status: 502, text: '{"error":"busy"}' });
    expect(seen).toHaveLength(2);
  });

  it("never sends a purchase twice, whatever the answer", async () => {
    handler = failing(1, 503, { "retry-after": "0" });
    const err = await transport()
      .send(rent)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(seen).toHaveLength(1);
  });

  it("does not wait out a Retry-After longer than its bound, and does not retry a 400", async () => {
    handler = failing(1, 429, { "retry-after": "120" });
    await expect(transport().send(get)).rejects.toBeInstanceOf(HttpStatusError);
    expect(seen).toHaveLength(1);
    handler = failing(1, 400);
    await expect(transport().send(get)).rejects.toBeInstanceOf(HttpStatusError);
    expect(seen).toHaveLength(2);
  });

  it("reports a connection dropped after the request as possibly sent, and retries only what may be retried", async () => {
    handler = (req) => req.socket.destroy();
    const once = await transport()
      .send(rent)
      .catch((e: unknown) => e);
    expect(once).toBeInstanceOf(TransportError);
    expect(once).toMatchObject({ code: "ECONNRESET", unsent: false, event: undefined });
    expect(seen).toHaveLength(1);
    await expect(transport({ retryLimit: 1 }).send(get)).rejects.toBeInstanceOf(TransportError);
    expect(seen).toHaveLength(3);
  });

  it("reports a response timeout as possibly sent, and a refused connection as not sent", async () => {
    handler = () => undefined;
    const slow = await transport({ responseMs: 200, retryLimit: 0 })
      .send(rent)
      .catch((e: unknown) => e);
    expect(slow).toMatchObject({ name: "TimeoutError", event: "response", unsent: false });

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await new Transport({
      baseUrl: `http://127.0.0.1:${port}`,
      headers: {},
      timeouts: { connectMs: 2_000, responseMs: 2_000 },
      limiter: limiterFor(`test:transport:${n++}`, { requests: 1_000, windowMs: 1_000 }),
      retryLimit: 0,
      maxRetryAfterMs: 60_000,
    })
      .send(rent)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: "RequestError", code: "ECONNREFUSED", unsent: true });
  });
});
