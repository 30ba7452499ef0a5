/**
 * The problems of an inventory file as the public API reports them (sdk/inventory-locate.ts places
 * them in the file).
 */

/** One problem of an inventory file, at a 1-based line and column. */
export interface InventoryProblem {
  /** The file name as given to `parseInventory` or `loadInventory`. */
  file: string;
  /** 1-based line of the problem. */
  line: number;
  /** 1-based column of the problem. */
  column: number;
  /** Dotted path, e.g. `exotel.support-bangalore.voiceUrl`. */
  field: string;
  /** What is wrong and what is allowed. */
  message: string;
}

/** `file:line:column: field: message`, as editors and CI annotations read it. */
export function formatProblem(p: InventoryProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}`;
}

/** Thrown by `loadInventory` when the file has problems; its message lists every one. */
export class InventoryError extends Error {
  /** Every problem of the file, in file order. */
  declare readonly problems: InventoryProblem[];
  /**
   * An error whose message lists every problem, one per line, with its position.
   * @param problems every problem found (the message lists them all).
   */
  constructor(problems: InventoryProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the inventory file (nothing was declared):\n` +
        problems.map(formatProblem).join("\n"),
    );
    this.name = "InventoryError";
    // Not enumerable: Node would print the array after the message. The marker is Pulumi's RunError
    // test (`pulumi preview` then prints the message alone, without a stack trace).
    Object.defineProperty(this, "problems", { value: problems, enumerable: false });
    Object.defineProperty(this, "__pulumiRunError", { value: true, enumerable: false });
  }
}
