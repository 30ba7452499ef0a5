/**
 * The vendor request pipeline: read body (64 KiB cap) -> latency -> authenticate -> rate limit ->
 * fault -> vendor handler (synchronous) -> respond -> log.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type FaultAction, type FaultRule, faultLabel } from "./faults.js";
import type { ResolvedAccount, VendorModule, VendorRequest, VendorResponse } from "./http.js";
import type { Sandbox } from "./server.js";
import { type Body, basicCredentials, readBody, sameSecret, send, sendText } from "./transport.js";
import type { Vendor } from "./types.js";
import { sleep } from "./util.js";

/** One vendor request in flight: what the log records of it, and the ways it can end. */
class Exchange {
  /** The account named in the path, once known. */
  account: string | null = null;
  fault: FaultRule | undefined;

  constructor(
    private readonly sb: Sandbox,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly vendor: Vendor,
    readonly vreq: VendorRequest,
    private readonly body: Body,
    private readonly started: number,
  ) {}

  get module(): VendorModule {
    return this.sb.modules[this.vendor];
  }

  /** Answers the vendor's error body for a status, with extra headers. */
  error(status: number, message: string, headers?: Record<string, string>): VendorResponse {
    const r = this.module.error(this.vreq, status, message);
    return headers ? { ...r, headers } : r;
  }

  reply(r: VendorResponse): void {
    send(this.res, r, this.body.abandoned);
    this.finish(r.status);
  }

  text(status: number, contentType: string, text: string): void {
    sendText(this.res, status, contentType, text);
    this.finish(status);
  }

  /** Closes the connection without an answer. */
  reset(): void {
    this.req.socket.destroy();
    this.finish(0);
  }

  private finish(status: number): void {
    this.sb.log.record(
      {
        vendor: this.vendor,
        account: this.account,
        method: this.vreq.method,
        path: this.vreq.path,
        query: Object.fromEntries(this.vreq.query),
        status,
        durationMs: Date.now() - this.started,
        ...(this.fault ? { fault: faultLabel(this.fault.action) } : {}),
      },
      this.started,
    );
  }
}

function vendorRequest(
  req: IncomingMessage,
  url: URL,
  method: string,
  vpath: string,
  body: Body,
  baseUrl: string,
) {
  let segments: string[];
  try {
    segments = vpath.split("/").slice(1).map(decodeURIComponent);
  } catch {
    segments = ["%invalid%"];
  }
  const vreq: VendorRequest = {
    method,
    path: vpath,
    segments,
    query: url.searchParams,
    contentType: (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "",
    rawBody: body.text,
    baseUrl,
  };
  return vreq;
}

/** Path account, credentials, rate limit, body size, in that order: the account, or the refusal. */
function admit(
  sb: Sandbox,
  ex: Exchange,
  authorization: string | undefined,
  tooLarge: boolean,
): { ok: true; account: ResolvedAccount } | { ok: false; refusal: VendorResponse } {
  const pathAccount = ex.module.pathAccount(ex.vreq);
  if (pathAccount === undefined)
    return { ok: false, refusal: ex.error(404, "The requested resource was not found") };
  ex.account = pathAccount;
  const creds = basicCredentials(authorization);
  const acc = creds
    ? sb.resolved[ex.vendor].find((a) => a.user === creds.user && sameSecret(a.secret, creds.secret))
    : undefined;
  if (!acc || acc.id !== pathAccount) {
    const realm = { "www-authenticate": `Basic realm="${ex.vendor} sandbox"` };
    return { ok: false, refusal: ex.error(401, "Authentication failed", realm) };
  }
  const decision = sb.limiter.take(`${ex.vendor}:${acc.id}`, acc.rateLimit);
  if (!decision.ok) {
    const retry = { "retry-after": String(decision.retryAfterSeconds) };
    return { ok: false, refusal: ex.error(429, "Too many requests", retry) };
  }
  if (tooLarge) return { ok: false, refusal: ex.error(413, "Request body larger than 64 KiB") };
  return { ok: true, account: acc };
}

/** The answer of a `status` fault: the vendor's error body, the fault's own text, or its own JSON. */
function statusFault(ex: Exchange, id: string, action: Extract<FaultAction, { type: "status" }>): void {
  const { status, body } = action;
  if (typeof body === "string") ex.text(status, "text/plain; charset=utf-8", body);
  else if (body !== undefined) ex.reply({ status, body });
  else {
    const retry = status === 429 ? { "retry-after": String(action.retryAfter ?? 1) } : undefined;
    ex.reply(ex.error(status, `Sandbox fault ${id}: injected status ${status}`, retry));
  }
}

/** The fault's part before the handler (a wait, a status, a reset before); true when it ended the exchange. */
async function faultBefore(ex: Exchange): Promise<boolean> {
  const fault = ex.fault;
  if (!fault) return false;
  const action = fault.action;
  if (action.type === "latency" && action.apply !== "start") await sleep(action.ms);
  if (action.type === "status") {
    statusFault(ex, fault.id, action);
    return true;
  }
  if (action.type === "reset" && action.when === "before") {
    ex.reset();
    return true;
  }
  return false;
}

/** Answers the handler's result, as the fault's part after the handler changes it. */
async function answer(ex: Exchange, result: VendorResponse): Promise<void> {
  const action = ex.fault?.action;
  if (action?.type === "latency" && action.apply === "start") await sleep(action.ms);
  if (action?.type === "reset") return ex.reset();
  if (action?.type === "malformed") {
    const text = JSON.stringify(result.body ?? { status: result.status });
    const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    return ex.text(200, "application/json; charset=utf-8", cut);
  }
  return ex.reply(result);
}

/** Serves one request under `/<vendor>/`. */
export async function serveVendor(
  sb: Sandbox,
  req: IncomingMessage,
  res: ServerResponse,
  at: { vendor: Vendor; method: string; url: URL; started: number },
): Promise<void> {
  const { vendor, method, url } = at;
  const vpath = url.pathname.slice(vendor.length + 1) || "/";
  const body = await readBody(req);
  const vreq = vendorRequest(req, url, method, vpath, body, sb.baseUrl(req));
  const ex = new Exchange(sb, req, res, vendor, vreq, body, at.started);
  if (sb.latencyMs) await sleep(sb.latencyMs);
  const admitted = admit(sb, ex, req.headers.authorization, body.tooLarge);
  if (!admitted.ok) return ex.reply(admitted.refusal);
  ex.fault = sb.faults.take(vendor, method, vpath, admitted.account.id);
  if (await faultBefore(ex)) return;
  let result: VendorResponse;
  try {
    result = sb.variants.shape(vendor, vreq, ex.module.handle(vreq, admitted.account));
  } catch (e) {
    sb.warn(`sandbox: ${vendor} handler failed: ${e instanceof Error ? e.message : String(e)}`);
    result = ex.error(500, "Internal error");
  }
  return answer(ex, result);
}
