import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider shim: what each resource stores as its `__provider` property, the code the
 * dynamic-provider host runs for it (`require-from-string` of the text, then `.handler()`).
 *
 * Its text is frozen into each stack's state (twice per resource) and is what `refresh` and
 * `destroy` run, so it holds no logic and as little text as possible. The host deserialises each
 * distinct text once and calls `configure` first; that call loads this package's provider module
 * from the program's directory and copies the installed implementation's methods onto this very
 * object, so every later call goes straight to the installed code. A bug fix in the installed package
 * therefore reaches resources created by older versions, and no credential or schema object can be
 * captured.
 *
 * Whichever method reaches the function (configure normally; another method only when the load
 * failed before, or when a host never called configure), it loads again and calls the installed
 * `configure` with its first argument, which throws unless that is a configure request: a failed load
 * fails every later call loudly (a missing method would make the host skip a read or a delete
 * silently), and no method call is ever answered by something else.
 *
 * The contract it relies on is permanent: `require("pulumi-phone-numbers/provider").provider(kind)`
 * returns an object with the dynamic-provider methods, none of which depends on `this`. Shims
 * written by earlier versions call those methods one by one (test/shim/ keeps each earlier text as a
 * fixture). `createRequire` from the working directory (a path ending in `/` names a directory) is
 * used instead of a bare `require` because the host evaluates this text as a module with no file
 * name, so package self-reference (a program inside this repository) would not resolve otherwise.
 *
 * `kind` is a free variable here: `providerText` defines it before this function's text.
 */
// biome-ignore format: the function's text is stored twice per resource in state, keep it one line
const shimMethod = function (this: object, r: pulumi.dynamic.ConfigureRequest) { return Object.assign(this, require("node:module").createRequire(process.cwd() + "/")("pulumi-phone-numbers/provider").provider(kind)).configure(r); };

/** Every method the host may look up; each is the shim method. */
const METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"] as const;

declare const kind: string;

/** What follows `kind` in every kind's text, built once (each resource's props take the text). */
const SHIM_TEXT = `${shimMethod.toString().replace(/\s*\n\s*/g, " ")},p={${METHODS.map((m) => `${m}:m`).join(",")}};exports.handler=()=>p;`;

/**
 * The `__provider` text of a kind, as each resource class stores it: written here, not by
 * `pulumi.runtime.serializeFunction`, whose wrapping (a `with` block per function, a handler
 * closure) tripled its size. The shim method's own text (as compiled) with `kind` defined before
 * it, and an object whose every method is that function.
 */
export function providerText(resourceKind: string): string {
  return `const kind=${JSON.stringify(resourceKind)},m=${SHIM_TEXT}`;
}
