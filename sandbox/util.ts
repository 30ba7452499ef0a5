/** Small helpers shared by the sandbox modules: deterministic ids, date formats, parsing. */
import { createHash, randomBytes, randomUUID } from "node:crypto";

/** SHA-256 hex of the parts joined by "|": the root of every deterministic id and catalog choice. */
export function hashHex(...parts: Array<string | number>): string {
  return createHash("sha256").update(parts.join("|")).digest("hex");
}

/** A deterministic integer in [0, max) derived from the parts. */
export function hashInt(max: number, ...parts: Array<string | number>): number {
  return Number.parseInt(hashHex(...parts).slice(0, 12), 16) % max;
}

/** Formats 32 hex chars as a version-4-shaped UUID. */
export function uuidFromHex(hex: string): string {
  const h = hex.slice(0, 32).split("");
  h[12] = "4";
  h[16] = "89ab"[Number.parseInt(h[16] ?? "0", 16) % 4] ?? "8";
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

export function randomId(): string {
  return randomUUID();
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function parts(ms: number) {
  const d = new Date(ms);
  return {
    y: d.getUTCFullYear(),
    mo: pad(d.getUTCMonth() + 1, 2),
    d: pad(d.getUTCDate(), 2),
    h: pad(d.getUTCHours(), 2),
    mi: pad(d.getUTCMinutes(), 2),
    s: pad(d.getUTCSeconds(), 2),
    date: d,
  };
}

/** Exotel v2_beta: `YYYY-MM-DD HH:mm:ss` (UTC). */
export function exotelDate(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** Exotel v2: RFC 3339 without fraction, `2018-08-22T12:22:49Z`. */
export function rfc3339(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}Z`;
}

/** Plivo: `YYYY-MM-DD` (UTC). */
export function plivoDate(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d}`;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Apifonica: `Thu, 31 Mar 2016 11:16:59 +0000` (the sandbox answers in UTC). */
export function apifonicaDate(ms: number): string {
  const p = parts(ms);
  const day = DAYS[p.date.getUTCDay()];
  const month = MONTHS[p.date.getUTCMonth()];
  return `${day}, ${p.d} ${month} ${p.y} ${p.h}:${p.mi}:${p.s} +0000`;
}

/** The same day one month later (clamped to the month's last day), UTC. */
export function addOneMonth(ms: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(
    y,
    m,
    Math.min(d.getUTCDate(), last),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Parses a non-negative decimal integer string strictly ("12" yes, "1e2", "-1", "" no). */
export function parseIntStrict(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  return Number.parseInt(value, 10);
}

/** `true`/`false` (any case) -> boolean; anything else -> undefined. */
export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const v = value.toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
