/**
 * The sandbox HTTP server: one `node:http` server, one path prefix per vendor, the admin API under
 * `/__sandbox/`. Pipeline per vendor request: read body (64 KiB cap) -> latency -> authenticate ->
 * rate limit -> fault -> vendor handler (synchronous) -> respond -> log.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveAccounts, resolvedAccounts } from "./accounts.js";
import { handleAdmin } from "./admin.js";
import { ApifonicaApi } from "./apifonica.js";
import { Catalog } from "./catalog.js";
import { ExotelApi } from "./exotel.js";
import { type FaultRule, Faults, faultLabel } from "./faults.js";
import type { ResolvedAccount, VendorModule, VendorRequest, VendorResponse } from "./http.js";
import { PlivoApi } from "./plivo.js";
import { RateLimiter } from "./ratelimit.js";
import { readStateFile, SandboxState, StatePersister } from "./state.js";
import {
  type SandboxAccounts,
  type SandboxHandle,
  type SandboxOptions,
  VENDORS,
  type Vendor,
} from "./types.js";
import { sleep } from "./util.js";
import { Variants } from "./variants.js";

export const BODY_LIMIT = 64 * 1024;
/** Oversized bodies are drained up to this size (so the client reads the 413), then the socket is closed. */
const DRAIN_LIMIT = 1024 * 1024;
const LOG_CAP = 10_000;
const DEFAULT_SEED = 1;

export interface LogEntry {
  seq: number;
  time: string;
  vendor: Vendor;
  account: string | null;
  method: string;
  path: string;
  query: Record<string, string>;
  /** HTTP status sent; 0 when the connection was reset without a response. */
  status: number;
  durationMs: number;
  fault?: string;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function basicCredentials(header: string | undefined): { user: string; secret: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

async function readBody(
  req: IncomingMessage,
): Promise<{ text: string; tooLarge: boolean; abandoned: boolean }> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > DRAIN_LIMIT) return { text: "", tooLarge: true, abandoned: true };
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total <= BODY_LIMIT) chunks.push(chunk);
      else if (total > DRAIN_LIMIT && !done) {
        done = true;
        req.pause();
        resolve({ text: "", tooLarge: true, abandoned: true });
      }
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve({
        text: total > BODY_LIMIT ? "" : Buffer.concat(chunks).toString("utf8"),
        tooLarge: total > BODY_LIMIT,
        abandoned: false,
      });
    });
    req.on("error", (e) => {
      if (done) return;
      done = true;
      reject(e);
    });
  });
}

function isLoopback(address: string | undefined): boolean {
  return (
    address === "127.0.0.1" ||
    address === "::1" ||
    address === "::ffff:127.0.0.1" ||
    !!address?.startsWith("127.")
  );
}

export class Sandbox {
  readonly accounts: SandboxAccounts;
  readonly resolved: Record<Vendor, ResolvedAccount[]>;
  readonly catalog: Catalog;
  readonly state: SandboxState;
  readonly faults = new Faults();
  readonly limiter = new RateLimiter();
  readonly exotel: ExotelApi;
  readonly plivo: PlivoApi;
  readonly apifonica: ApifonicaApi;
  readonly modules: Record<Vendor, VendorModule>;
  /** Alternative readings of the vendor documents this sandbox answers in (see variants.ts). */
  readonly variants: Variants;
  private log: LogEntry[] = [];
  private logSeq = 0;
  private persister: StatePersister | undefined;
  private readonly server: Server;
  url = "";
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: SandboxOptions) {
    this.variants = new Variants(opts.variants);
    this.accounts = resolveAccounts(opts.accounts);
    this.resolved = resolvedAccounts(this.accounts);
    let seed = opts.seed ?? DEFAULT_SEED;
    const saved = opts.stateFile ? readStateFile(opts.stateFile) : undefined;
    if (saved) {
      if (opts.seed !== undefined && opts.seed !== saved.seed) {
        throw new Error(
          `state file ${opts.stateFile} was created with seed ${saved.seed}; start with seed ${saved.seed} or remove the file`,
        );
      }
      seed = saved.seed;
    }
    this.catalog = new Catalog(seed);
    this.state = new SandboxState(seed);
    if (saved) this.state.load(saved);
    if (opts.stateFile) {
      const persister = new StatePersister(
        opts.stateFile,
        () => JSON.stringify(this.state.toJSON()),
        (m) => this.warn(m),
      );
      this.persister = persister;
      this.state.onChange = () => persister.markDirty();
      persister.markDirty();
    }
    this.exotel = new ExotelApi(this.catalog, this.state, this.variants);
    this.plivo = new PlivoApi(this.catalog, this.state, this.variants);
    this.apifonica = new ApifonicaApi(this.catalog, this.state, this.variants);
    this.modules = { exotel: this.exotel, plivo: this.plivo, apifonica: this.apifonica };
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((e: unknown) => this.crash(res, e));
    });
    this.server.on("clientError", (_err, socket) => {
      if (socket.writable)
        socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      else socket.destroy();
    });
  }

  get seed(): number {
    return this.catalog.seed;
  }

  warn(message: string): void {
    if (!this.opts.quiet) console.error(message);
  }

  async listen(): Promise<void> {
    const host = this.opts.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port ?? 4010, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    const h = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    this.url = `http://${h}:${addr.port}`;
  }

  /** Stop accepting, let in-flight requests finish, flush the state file. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      const idle = setInterval(() => this.server.closeIdleConnections(), 25);
      const hard = setTimeout(() => this.server.closeAllConnections(), 10_000);
      try {
        await closed;
      } finally {
        clearInterval(idle);
        clearTimeout(hard);
      }
      await this.persister?.flush();
    })();
    return this.closing;
  }

  // --- request log -------------------------------------------------------------------------------

  requests(filter: { vendor?: string | null; account?: string | null; since?: number }): LogEntry[] {
    return this.log.filter(
      (e) =>
        (!filter.vendor || e.vendor === filter.vendor) &&
        (!filter.account || e.account === filter.account) &&
        (filter.since === undefined || e.seq > filter.since),
    );
  }

  clearRequests(): number {
    const n = this.log.length;
    this.log = [];
    return n;
  }

  private record(entry: Omit<LogEntry, "seq" | "time">, started: number): void {
    this.logSeq += 1;
    this.log.push({ seq: this.logSeq, time: new Date(started).toISOString(), ...entry });
    if (this.log.length > LOG_CAP) this.log.splice(0, this.log.length - LOG_CAP);
  }

  /** Back to the seed catalog: no rented numbers, log, faults, rate windows and cursors cleared. */
  reset(): void {
    this.state.reset();
    this.log = [];
    this.faults.clear();
    this.limiter.clear();
    this.apifonica.clearCursors();
  }

  // --- serving -----------------------------------------------------------------------------------

  private crash(res: ServerResponse, e: unknown): void {
    this.warn(`sandbox: internal error: ${e instanceof Error ? e.message : String(e)}`);
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: "internal sandbox error" }));
    } else res.destroy();
  }

  private baseUrl(req: IncomingMessage): string {
    const host = req.headers.host;
    return host && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `http://${host}` : this.url;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname;

    if (path === "/__sandbox" || path.startsWith("/__sandbox/")) {
      const body = await readBody(req);
      if (!isLoopback(req.socket.remoteAddress)) {
        return send(res, { status: 403, body: { error: "the admin API answers loopback clients only" } });
      }
      if (body.tooLarge)
        return send(res, { status: 413, body: { error: "body larger than 64 KiB" } }, body.abandoned);
      return send(
        res,
        handleAdmin(
          this,
          method,
          path.slice("/__sandbox".length) || "/",
          url.searchParams,
          body.text,
          this.baseUrl(req),
        ),
      );
    }

    const vendor = VENDORS.find((v) => path === `/${v}` || path.startsWith(`/${v}/`));
    if (!vendor) {
      const body = await readBody(req);
      if (path === "/" && method === "GET") {
        const base = this.baseUrl(req);
        return send(res, {
          status: 200,
          body: {
            exotel: `${base}/exotel`,
            plivo: `${base}/plivo`,
            apifonica: `${base}/apifonica`,
            admin: `${base}/__sandbox/`,
          },
        });
      }
      return send(
        res,
        { status: 404, body: { error: "unknown path; vendors live under /exotel, /plivo and /apifonica" } },
        body.abandoned,
      );
    }
    const module = this.modules[vendor];
    const vpath = path.slice(vendor.length + 1) || "/";
    let segments: string[];
    try {
      segments = vpath.split("/").slice(1).map(decodeURIComponent);
    } catch {
      segments = ["%invalid%"];
    }
    const body = await readBody(req);
    const vreq: VendorRequest = {
      method,
      path: vpath,
      segments,
      query: url.searchParams,
      contentType: (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "",
      rawBody: body.text,
      baseUrl: this.baseUrl(req),
    };
    let account: string | null = null;
    let fault: FaultRule | undefined;
    const finish = (status: number) => {
      this.record(
        {
          vendor,
          account,
          method,
          path: vpath,
          query: Object.fromEntries(url.searchParams),
          status,
          durationMs: Date.now() - started,
          ...(fault ? { fault: faultLabel(fault.action) } : {}),
        },
        started,
      );
    };
    const reply = (r: VendorResponse) => {
      send(res, r, body.abandoned);
      finish(r.status);
    };

    if (this.opts.latencyMs) await sleep(this.opts.latencyMs);

    const pathAccount = module.pathAccount(vreq);
    if (pathAccount === undefined)
      return reply(module.error(vreq, 404, "The requested resource was not found"));
    account = pathAccount;
    const creds = basicCredentials(req.headers.authorization);
    const acc = creds
      ? this.resolved[vendor].find((a) => a.user === creds.user && sameSecret(a.secret, creds.secret))
      : undefined;
    if (!acc || acc.id !== pathAccount) {
      const r = module.error(vreq, 401, "Authentication failed");
      return reply({ ...r, headers: { "www-authenticate": `Basic realm="${vendor} sandbox"` } });
    }
    const decision = this.limiter.take(`${vendor}:${acc.id}`, acc.rateLimit);
    if (!decision.ok) {
      const r = module.error(vreq, 429, "Too many requests");
      return reply({ ...r, headers: { "retry-after": String(decision.retryAfterSeconds) } });
    }
    if (body.tooLarge) return reply(module.error(vreq, 413, "Request body larger than 64 KiB"));

    fault = this.faults.take(vendor, method, vpath, acc.id);
    if (fault?.action.type === "latency" && fault.action.apply !== "start") await sleep(fault.action.ms);
    if (fault?.action.type === "status") {
      const { status, body: faultBody } = fault.action;
      if (faultBody === undefined) {
        const r = module.error(vreq, status, `Sandbox fault ${fault.id}: injected status ${status}`);
        const retryAfter = fault.action.retryAfter ?? 1;
        return reply(status === 429 ? { ...r, headers: { "retry-after": String(retryAfter) } } : r);
      }
      if (typeof faultBody === "string") {
        res.writeHead(status, {
          "content-type": "text/plain; charset=utf-8",
          "content-length": Buffer.byteLength(faultBody),
        });
        res.end(faultBody);
        return finish(status);
      }
      return reply({ status, body: faultBody });
    }
    if (fault?.action.type === "reset" && fault.action.when === "before") {
      req.socket.destroy();
      return finish(0);
    }

    let result: VendorResponse;
    try {
      result = this.variants.shape(vendor, vreq, module.handle(vreq, acc));
    } catch (e) {
      this.warn(`sandbox: ${vendor} handler failed: ${e instanceof Error ? e.message : String(e)}`);
      result = module.error(vreq, 500, "Internal error");
    }

    if (fault?.action.type === "latency" && fault.action.apply === "start") await sleep(fault.action.ms);
    if (fault?.action.type === "reset") {
      req.socket.destroy();
      return finish(0);
    }
    if (fault?.action.type === "malformed") {
      const text = JSON.stringify(result.body ?? { status: result.status });
      const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(cut),
      });
      res.end(cut);
      return finish(200);
    }
    return reply(result);
  }
}

export function send(res: ServerResponse, r: VendorResponse, closeAfter = false): void {
  const headers: Record<string, string | number> = { ...r.headers };
  if (closeAfter) headers["connection"] = "close";
  if (r.body === undefined) {
    res.writeHead(r.status, headers);
    res.end();
  } else {
    const text = JSON.stringify(r.body);
    headers["content-type"] = "application/json; charset=utf-8";
    headers["content-length"] = Buffer.byteLength(text);
    res.writeHead(r.status, headers);
    res.end(text);
  }
  if (closeAfter) res.on("finish", () => res.socket?.destroy());
}

/** Starts a sandbox; see `SandboxOptions` for defaults. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const sandbox = new Sandbox(opts);
  await sandbox.listen();
  return {
    url: sandbox.url,
    accounts: structuredClone(sandbox.accounts),
    variants: sandbox.variants.list(),
    close: () => sandbox.close(),
  };
}
