/**
 * The shared client core without the sandbox: error shapes, the limiter registry, redaction, and
 * transport failures (refused connection, response timeout) against a bare local HTTP server.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { isNotFound, VendorApiError, VendorResponseError } from "../../provider/core/errors.js";
import { configureLimit, limiterFor } from "../../provider/core/limiter.js";
import { basicAuthSecrets, redactor } from "../../provider/core/redact.js";
import { exotelClient } from "../../provider/exotel/client.js";
import { plivoClient } from "../../provider/plivo/client.js";

describe("VendorApiError", () => {
  it("formats status, code and vendor message", () => {
    const err = new VendorApiError({
      vendor: "exotel",
      operation: "rentNumber",
      status: 400,
      code: "NUMBER_NOT_AVAILABLE",
      vendorMessage: "Number is not available",
      ambiguous: false,
    });
    expect(err.message).toBe(
      "exotel rentNumber failed: HTTP 400 NUMBER_NOT_AVAILABLE: Number is not available",
    );
    expect(err.name).toBe("VendorApiError");
    expect(err.stack).toMatch(/^VendorApiError: exotel rentNumber failed/);
    expect(isNotFound(err)).toBe(false);
  });

  it("formats a status without a code, and network failures", () => {
    const notFound = new VendorApiError({
      vendor: "plivo",
      operation: "getNumber",
      status: 404,
      vendorMessage: "not found",
      ambiguous: false,
    });
    expect(notFound.message).toBe("plivo getNumber failed: HTTP 404: not found");
    expect(isNotFound(notFound)).toBe(true);
    expect(isNotFound(new Error("404"))).toBe(false);
    const reset = new VendorApiError({
      vendor: "apifonica",
      operation: "rentNumber",
      detail: "network error ECONNRESET: socket hang up",
      ambiguous: true,
    });
    expect(reset.message).toBe("apifonica rentNumber failed: network error ECONNRESET: socket hang up");
    expect(reset.status).toBeUndefined();
  });

  it("marks response errors as ambiguous", () => {
    const err = new VendorResponseError({
      vendor: "exotel",
      operation: "getNumber",
      status: 200,
      detail: "x",
      issues: ["sid"],
    });
    expect(err).toBeInstanceOf(VendorApiError);
    expect(err.ambiguous).toBe(true);
    expect(err.name).toBe("VendorResponseError");
  });
});

describe("limiter registry", () => {
  it("shares one limiter per key; the first caller's limits win", () => {
    const a = limiterFor("test:first", { requests: 3, windowMs: 1000 });
    const b = limiterFor("test:first", { requests: 9, windowMs: 1000 });
    expect(b).toBe(a);
    expect(a.limit).toEqual({ requests: 3, windowMs: 1000 });
  });

  it("lets configureLimit win, before or after the limiter exists", () => {
    configureLimit("test:configured", { requests: 7, windowMs: 500 });
    expect(limiterFor("test:configured", { requests: 1, windowMs: 1000 }).limit).toEqual({
      requests: 7,
      windowMs: 500,
    });
    const existing = limiterFor("test:later", { requests: 1, windowMs: 1000 });
    configureLimit("test:later", { requests: 4, windowMs: 1000, concurrency: 2 });
    expect(existing.limit).toEqual({ requests: 4, windowMs: 1000, concurrency: 2 });
  });

  it("rejects nonsense limits", () => {
    expect(() => configureLimit("test:bad", { requests: 0, windowMs: 1000 })).toThrow(RangeError);
    expect(() => limiterFor("test:bad2", { requests: 1, windowMs: -1 })).toThrow(RangeError);
  });

  it("caps concurrency and counts starts in a sliding window", async () => {
    const limiter = limiterFor("test:concurrency", { requests: 100, windowMs: 1000, concurrency: 2 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);

    const windowed = limiterFor("test:window", { requests: 2, windowMs: 200 });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => windowed.run(async () => void starts.push(Date.now()))),
    );
    starts.sort((x, y) => x - y);
    // Any two starts two apart are at least one window apart.
    for (let i = 2; i < starts.length; i++) {
      expect(starts[i]! - starts[i - 2]!).toBeGreaterThanOrEqual(195);
    }
  });
});

describe("redactor", () => {
  it("masks secrets, Basic headers and URL userinfo", () => {
    const redact = redactor(basicAuthSecrets("key-123456", "token-abcdef", true));
    const header = Buffer.from("key-123456:token-abcdef").toString("base64");
    const out = redact(
      `https://key-123456:token-abcdef@api.exotel.com/x authorization: Basic ${header} token-abcdef key-123456`,
    );
    expect(out).not.toContain("token-abcdef");
    expect(out).not.toContain("key-123456");
    expect(out).not.toContain(header);
  });
});

describe("transport failures", () => {
  let server: http.Server;
  let url = "";
  const sockets = new Set<import("node:net").Socket>();

  beforeAll(async () => {
    // Never answers: every request times out.
    server = http.createServer(() => undefined);
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of sockets) {
      s.destroy();
    }
    await new Promise((resolve) => server.close(resolve));
  });

  const secrets = ["core-key-secret-1", "core-token-secret-1", "core-plivo-token-1"];

  function scan(err: unknown): void {
    const e = err as Error;
    for (const t of [
      e.message,
      e.stack ?? "",
      inspect(err, { depth: 20, showHidden: true }),
      JSON.stringify(err),
    ]) {
      for (const s of secrets) {
        expect(t).not.toContain(s);
      }
    }
  }

  it("reports a response timeout as ambiguous, without credentials", async () => {
    const client = exotelClient({
      accountSid: "acct",
      apiKey: "core-key-secret-1",
      apiToken: "core-token-secret-1",
      baseUrl: url.replace("http://", "http://core-key-secret-1:core-token-secret-1@"),
      timeouts: { responseMs: 150 },
      retryLimit: 0,
    });
    const err = await client.rent({ phoneNumber: "+911234567890" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorApiError);
    const v = err as VendorApiError;
    expect(v.status).toBeUndefined();
    expect(v.ambiguous).toBe(true);
    expect(v.message).toMatch(/^exotel rentNumber failed: timeout awaiting response/);
    expect(v.cause).toBeInstanceOf(Error);
    scan(err);
  });

  it("reports a refused connection as not ambiguous", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = plivoClient({
      authId: "MACORE000000000000001",
      authToken: "core-plivo-token-1",
      baseUrl: `http://127.0.0.1:${port}`,
      retryLimit: 0,
    });
    const err = await client.rent({ number: "14155550100" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorApiError);
    const v = err as VendorApiError;
    expect(v.ambiguous).toBe(false);
    expect(v.message).toMatch(/^plivo buyNumber failed: network error ECONNREFUSED/);
    scan(err);
  });
});
