/** The HTTP end of the server: reading capped bodies, Basic credentials, loopback checks, writing JSON. */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { VendorResponse } from "./http.js";

/** The largest request body the sandbox reads (64 KiB); a larger one is answered 413. */
export const BODY_LIMIT = 64 * 1024;
/** Oversized bodies are drained up to this size (so the client reads the 413), then the socket is closed. */
const DRAIN_LIMIT = 1024 * 1024;

/** A request body as read: its text (empty when too large), and whether the rest was left unread. */
export interface Body {
  text: string;
  tooLarge: boolean;
  /** Reading stopped early: the connection is closed after the answer. */
  abandoned: boolean;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function basicCredentials(header: string | undefined): { user: string; secret: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

export async function readBody(req: IncomingMessage): Promise<Body> {
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

export function isLoopback(address: string | undefined): boolean {
  return (
    address === "127.0.0.1" ||
    address === "::1" ||
    address === "::ffff:127.0.0.1" ||
    !!address?.startsWith("127.")
  );
}

/** Writes a response: JSON when it has a body; `closeAfter` closes the connection once it is sent. */
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

/** Writes a body as it is (a fault's text or cut JSON), with its length and no connection handling. */
export function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
