/** The request log the admin API serves: one entry per vendor request, the newest 10 000 kept. */
import type { Vendor } from "./types.js";

const LOG_CAP = 10_000;

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

/** Which entries to list: by vendor, by account, after a sequence number. */
export interface LogFilter {
  vendor?: string | null;
  account?: string | null;
  since?: number;
}

export class RequestLog {
  private entries: LogEntry[] = [];
  private seq = 0;

  list(filter: LogFilter): LogEntry[] {
    return this.entries.filter(
      (e) =>
        (!filter.vendor || e.vendor === filter.vendor) &&
        (!filter.account || e.account === filter.account) &&
        (filter.since === undefined || e.seq > filter.since),
    );
  }

  /** Empties the log (sequence numbers keep counting); returns how many entries were dropped. */
  clear(): number {
    const n = this.entries.length;
    this.entries = [];
    return n;
  }

  record(entry: Omit<LogEntry, "seq" | "time">, started: number): void {
    this.seq += 1;
    this.entries.push({ seq: this.seq, time: new Date(started).toISOString(), ...entry });
    if (this.entries.length > LOG_CAP) this.entries.splice(0, this.entries.length - LOG_CAP);
  }
}
