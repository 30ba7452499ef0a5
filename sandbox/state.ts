/**
 * Mutable sandbox state (rented numbers, applications, pending orders, quarantine, id counters) and
 * its persistence. Handlers mutate it synchronously, so a check-then-commit never interleaves with
 * another request; every change calls `changed()`, which coalesces writes to the state file.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Vendor } from "./types.js";

export interface ExotelRented {
  sid: string;
  accountSid: string;
  e164: string;
  friendlyName: string | null;
  voiceUrl: string | null;
  smsUrl: string | null;
  created: number;
  updated: number;
  seq: number;
}

export interface PlivoRented {
  number: string;
  authId: string;
  alias: string | null;
  appId: string | null;
  cnamLookup: string;
  addedOn: number;
  /** Set for numbers that arrived through a completed order in a regulated country. */
  compliant: boolean;
  seq: number;
}

export interface PlivoOrder {
  id: string;
  authId: string;
  groupId: string | null;
  /** Set when the order came from a PhoneNumber buy. */
  number: string | null;
  quantity: number;
  numbers: string[];
  appId: string | null;
  status: "pending" | "completed";
  createdAt: number;
  completedAt: number | null;
}

export interface ApifonicaRented {
  sid: string;
  accountSid: string;
  digits: string;
  name: string;
  callAppSid: string | null;
  msgAppSid: string | null;
  mode: "xml" | "sip_phone" | "end_point";
  endpointSid: string | null;
  sipPassword: string | null;
  voiceRecording: boolean;
  created: number;
  updated: number;
  seq: number;
}

export interface ApifonicaApp {
  sid: string;
  accountSid: string;
  name: string;
  controller: string;
  method: "GET" | "POST";
  events: string;
  created: number;
  updated: number;
}

export interface Counters {
  seq: number;
  exotel: number;
  apifonicaNumber: number;
  apifonicaApp: number;
  plivoOrder: number;
}

/** The state file's JSON. */
export interface StateData {
  version: 1;
  seed: number;
  counters: Counters;
  exotel: ExotelRented[];
  plivo: PlivoRented[];
  plivoOrders: PlivoOrder[];
  apifonica: ApifonicaRented[];
  apifonicaApps: ApifonicaApp[];
  quarantine: Record<Vendor, string[]>;
}

function freshCounters(): Counters {
  return { seq: 0, exotel: 0, apifonicaNumber: 0, apifonicaApp: 0, plivoOrder: 0 };
}

export class SandboxState {
  counters: Counters = freshCounters();
  readonly exotel = new Map<string, ExotelRented>();
  readonly exotelByNumber = new Map<string, string>();
  readonly plivo = new Map<string, PlivoRented>();
  readonly plivoOrders = new Map<string, PlivoOrder>();
  /** Numbers held by pending orders: not for sale, not yet in an account. */
  readonly plivoReserved = new Set<string>();
  readonly apifonica = new Map<string, ApifonicaRented>();
  readonly apifonicaByNumber = new Map<string, string>();
  readonly apps = new Map<string, ApifonicaApp>();
  /** Released numbers; never offered again within the state's lifetime. */
  readonly quarantine: Record<Vendor, Set<string>> = {
    exotel: new Set(),
    plivo: new Set(),
    apifonica: new Set(),
  };
  /** Called after every change (persistence hook). */
  onChange: () => void = () => {};

  constructor(readonly seed: number) {}

  changed(): void {
    this.onChange();
  }

  nextSeq(): number {
    this.counters.seq += 1;
    return this.counters.seq;
  }

  exotelAvailable(e164: string): boolean {
    return !this.exotelByNumber.has(e164) && !this.quarantine.exotel.has(e164);
  }

  plivoAvailable(number: string): boolean {
    return !this.plivo.has(number) && !this.plivoReserved.has(number) && !this.quarantine.plivo.has(number);
  }

  apifonicaAvailable(digits: string): boolean {
    return !this.apifonicaByNumber.has(digits) && !this.quarantine.apifonica.has(digits);
  }

  addExotel(r: ExotelRented): void {
    this.exotel.set(r.sid, r);
    this.exotelByNumber.set(r.e164, r.sid);
  }

  removeExotel(r: ExotelRented): void {
    this.exotel.delete(r.sid);
    this.exotelByNumber.delete(r.e164);
    this.quarantine.exotel.add(r.e164);
  }

  addApifonica(r: ApifonicaRented): void {
    this.apifonica.set(r.sid, r);
    this.apifonicaByNumber.set(r.digits, r.sid);
  }

  removeApifonica(r: ApifonicaRented): void {
    this.apifonica.delete(r.sid);
    this.apifonicaByNumber.delete(r.digits);
    this.quarantine.apifonica.add(r.digits);
  }

  addOrder(o: PlivoOrder): void {
    this.plivoOrders.set(o.id, o);
    if (o.status === "pending") for (const n of o.numbers) this.plivoReserved.add(n);
  }

  /** Back to the seed catalog: nothing rented, nothing quarantined, counters at zero. */
  reset(): void {
    this.counters = freshCounters();
    this.exotel.clear();
    this.exotelByNumber.clear();
    this.plivo.clear();
    this.plivoOrders.clear();
    this.plivoReserved.clear();
    this.apifonica.clear();
    this.apifonicaByNumber.clear();
    this.apps.clear();
    for (const set of Object.values(this.quarantine)) set.clear();
    this.changed();
  }

  toJSON(): StateData {
    return {
      version: 1,
      seed: this.seed,
      counters: { ...this.counters },
      exotel: [...this.exotel.values()],
      plivo: [...this.plivo.values()],
      plivoOrders: [...this.plivoOrders.values()],
      apifonica: [...this.apifonica.values()],
      apifonicaApps: [...this.apps.values()],
      quarantine: {
        exotel: [...this.quarantine.exotel],
        plivo: [...this.quarantine.plivo],
        apifonica: [...this.quarantine.apifonica],
      },
    };
  }

  load(data: StateData): void {
    this.counters = { ...freshCounters(), ...data.counters };
    for (const r of data.exotel) this.addExotel(r);
    for (const r of data.plivo) this.plivo.set(r.number, r);
    for (const o of data.plivoOrders) this.addOrder(o);
    for (const r of data.apifonica) this.addApifonica(r);
    for (const a of data.apifonicaApps) this.apps.set(a.sid, a);
    for (const v of ["exotel", "plivo", "apifonica"] as const) {
      for (const n of data.quarantine[v] ?? []) this.quarantine[v].add(n);
    }
  }
}

/** Reads a state file; undefined when it does not exist. Throws with the path on a corrupt file. */
export function readStateFile(file: string): StateData | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`state file ${file} is not valid JSON; remove it to start from the seed catalog`);
  }
  const d = data as Partial<StateData>;
  if (
    typeof d !== "object" ||
    d === null ||
    d.version !== 1 ||
    typeof d.seed !== "number" ||
    !Array.isArray(d.exotel) ||
    !Array.isArray(d.plivo) ||
    !Array.isArray(d.plivoOrders) ||
    !Array.isArray(d.apifonica) ||
    !Array.isArray(d.apifonicaApps) ||
    typeof d.quarantine !== "object" ||
    typeof d.counters !== "object"
  ) {
    throw new Error(`state file ${file} is not a sandbox state (version 1); remove it to start afresh`);
  }
  return d as StateData;
}

/**
 * Coalescing atomic writer: a change schedules one write on the next turn of the event loop (so a
 * burst of changes costs one write); each write goes to a temp file that is renamed over the target.
 */
export class StatePersister {
  private dirty = false;
  private scheduled = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => string,
    private readonly warn: (message: string) => void,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  markDirty(): void {
    this.dirty = true;
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    if (this.running || !this.dirty) return;
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const tmp = `${this.file}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, this.snapshot());
        await rename(tmp, this.file);
      } catch (err) {
        this.warn(`sandbox: could not write state file ${this.file}: ${(err as Error).message}`);
      }
    }
  }

  /** Resolves once every change made so far is on disk. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.running) {
        await this.running;
      } else if (this.dirty) {
        this.start();
      } else {
        return;
      }
    }
  }
}
