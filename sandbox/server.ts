/**
 * The sandbox HTTP server: one `node:http` server, one path prefix per vendor (served by
 * `pipeline.ts`), the admin API under `/__sandbox/` (`admin.ts`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveAccounts, resolvedAccounts } from "./accounts.js";
import { handleAdmin } from "./admin.js";
import { ApifonicaApi } from "./apifonica.js";
import { Catalog } from "./catalog.js";
import { ExotelApi } from "./exotel.js";
import { Faults } from "./faults.js";
import type { ResolvedAccount, VendorModule } from "./http.js";
import { RequestLog } from "./log.js";
import { serveVendor } from "./pipeline.js";
import { PlivoApi } from "./plivo.js";
import { RateLimiter } from "./ratelimit.js";
import { readStateFile, SandboxState, StatePersister } from "./state.js";
import { isLoopback, readBody, send } from "./transport.js";
import {
  type SandboxAccounts,
  type SandboxHandle,
  type SandboxOptions,
  VENDORS,
  type Vendor,
  vendorUrls,
} from "./types.js";
import { Variants } from "./variants.js";

const DEFAULT_SEED = 1;

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
  readonly log = new RequestLog();
  /** Latency added to every vendor request, in milliseconds. */
  readonly latencyMs: number;
  private persister: StatePersister | undefined;
  private readonly server: Server;
  url = "";
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: SandboxOptions) {
    this.variants = new Variants(opts.variants);
    this.latencyMs = opts.latencyMs ?? 0;
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

  /** Back to the seed catalog: no rented numbers, log, faults, rate windows and cursors cleared. */
  reset(): void {
    this.state.reset();
    this.log.clear();
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

  /** The sandbox's base URL as the client reached it (its Host header), else the listening URL. */
  baseUrl(req: IncomingMessage): string {
    const host = req.headers.host;
    return host && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `http://${host}` : this.url;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname;
    if (path === "/__sandbox" || path.startsWith("/__sandbox/"))
      return this.serveAdmin(req, res, method, url);
    const vendor = VENDORS.find((v) => path === `/${v}` || path.startsWith(`/${v}/`));
    if (vendor) return serveVendor(this, req, res, { vendor, method, url, started });
    const body = await readBody(req);
    if (path === "/" && method === "GET") {
      const base = this.baseUrl(req);
      return send(res, { status: 200, body: { ...vendorUrls(base), admin: `${base}/__sandbox/` } });
    }
    const unknown = { error: "unknown path; vendors live under /exotel, /plivo and /apifonica" };
    return send(res, { status: 404, body: unknown }, body.abandoned);
  }

  private async serveAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    const body = await readBody(req);
    if (!isLoopback(req.socket.remoteAddress)) {
      return send(res, { status: 403, body: { error: "the admin API answers loopback clients only" } });
    }
    if (body.tooLarge)
      return send(res, { status: 413, body: { error: "body larger than 64 KiB" } }, body.abandoned);
    const path = url.pathname.slice("/__sandbox".length) || "/";
    return send(res, handleAdmin(this, method, path, url.searchParams, body.text, this.baseUrl(req)));
  }
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
