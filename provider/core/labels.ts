/**
 * Identity labels: how a create recognises its own purchase after a crash.
 *
 * A create receives only its inputs, so the SDK classes pass `__identity` ("<project>/<stack>/<name>").
 * The provider writes a label derived from it on the number it buys: Exotel's `FriendlyName` with the
 * rent itself; Plivo's `alias` and Apifonica's `name` right after the buy. Before renting, a create
 * with an identity looks for a number already carrying its label (the process was killed after a rent
 * the vendor applied: the engine kept only a pending create) and takes it instead of renting again.
 * The look is one shared list walk per account per provider process (`LabelIndex`), not one per create.
 *
 * A user-set friendlyName / name / alias wins: the label is the value of that field only while the
 * program leaves it unset (then the field is unmanaged, so the label causes no drift). Exotel rents with
 * the label and then sets the user's friendlyName in place; Plivo and Apifonica write the user's value
 * instead of the label. A crash is recognised while the label is on the number: on Exotel from the rent
 * until the friendlyName update; on Plivo and Apifonica only for numbers whose field is unset, from the
 * label write on (the moment between the buy and the label write is not covered).
 */
import { createHash } from "node:crypto";
import type { Props } from "./check.js";

export const LABEL_PREFIX = "pulumi:";
const MAX_LABEL = 64;

/** The identity the SDK passed (`__identity`), or undefined (older programs, direct callers). */
export function identityOf(news: Props): string | undefined {
  const v = news.__identity;
  return typeof v === "string" && v !== "" ? v : undefined;
}

const hash = (text: string, n: number) => createHash("sha256").update(text).digest("hex").slice(0, n);

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .filter((k) => !k.startsWith("__") && (v as Props)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Props)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/**
 * The label for an identity and the create's inputs: `pulumi:<identity>#<8 hex of the inputs>`, the
 * identity shortened with a hash when long (64 characters at most). The inputs are part of it so a
 * replacement (same name, new criteria, created while the old number is still held) never takes the
 * old number; a rerun of the same program after a crash has the same inputs, hence the same label.
 */
export function labelFor(identity: string, inputs: Props): string {
  const tail = `#${hash(canonical(inputs), 8)}`;
  const room = MAX_LABEL - LABEL_PREFIX.length - tail.length;
  const id = identity.length <= room ? identity : `${identity.slice(0, room - 13)}~${hash(identity, 12)}`;
  return `${LABEL_PREFIX}${id}${tail}`;
}

/** Whether a vendor name field holds one of our labels. */
export function isLabel(text: unknown): text is string {
  return typeof text === "string" && text.startsWith(LABEL_PREFIX);
}

/** A labelled number found in an account: the label names the resource that rented it. */
export interface LabelledNumber {
  number: string;
  label: string;
  /** "<project>/<stack>/<name>" when the label is not shortened. */
  identity: string | undefined;
}

export function labelled(number: string, label: string): LabelledNumber {
  const id = label.slice(LABEL_PREFIX.length).replace(/#[0-9a-f]*$/, "");
  return { number, label, identity: id.includes("~") ? undefined : id };
}

/**
 * Numbers a create took by their label in this process. A replacement with unchanged inputs
 * (`pulumi up --replace`) has the old resource's label, takes the old number, and the old resource's
 * delete then runs in the same process: delete skips numbers listed here instead of releasing the
 * number the new resource now holds.
 */
const takenByLabel = new Set<string>();

export function tookByLabel(account: string, number: string): void {
  takenByLabel.add(`${account}\n${number}`);
}

/** Marks the outputs of the resource that took a number by its label (only this process reads it). */
export const TOOK_BY_LABEL = "__tookByLabel";

/**
 * Whether a delete must keep `number`: a create in this process took it by its label and the
 * resource being deleted is not that create's (its props lack the mark), i.e. it is the replaced one.
 */
export function wasTakenByLabel(account: string, number: string, props: Props): boolean {
  return props[TOOK_BY_LABEL] !== true && takenByLabel.has(`${account}\n${number}`);
}

/**
 * The labelled numbers of one account, from one walk of its number list shared by every create in the
 * process. A number a create takes is removed, so no other create can take it too.
 */
export class LabelIndex<T> {
  private walk: Promise<Map<string, T[]>> | undefined;

  constructor(
    private readonly items: () => AsyncIterable<T>,
    private readonly labelOf: (item: T) => string | null | undefined,
  ) {}

  private load(): Promise<Map<string, T[]>> {
    this.walk ??= (async () => {
      const byLabel = new Map<string, T[]>();
      for await (const item of this.items()) {
        const label = this.labelOf(item);
        if (!isLabel(label)) continue;
        const list = byLabel.get(label) ?? [];
        list.push(item);
        byLabel.set(label, list);
      }
      return byLabel;
    })();
    // A failed walk is not kept: the next create walks again.
    this.walk.catch(() => {
      this.walk = undefined;
    });
    return this.walk;
  }

  /** The numbers carrying `label`, handed to the caller (removed from the index). */
  async take(label: string): Promise<T[]> {
    const byLabel = await this.load();
    const found = byLabel.get(label) ?? [];
    byLabel.delete(label);
    return found;
  }
}
