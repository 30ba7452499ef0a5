import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object that Pulumi serialises into every resource's `__provider` property.
 *
 * Its text is frozen into each stack's state and is what `refresh` and `destroy` run, so it holds
 * no logic: each method loads this package's provider module at call time, from the program's
 * directory, and delegates. A bug fix in the installed package therefore reaches resources created by
 * older versions, no credential or schema object can be captured, and the text stays small.
 *
 * The contract it relies on is permanent: `require("pulumi-phone-numbers/provider").provider(kind)`
 * returns an object with the dynamic-provider methods. `createRequire` from the working directory is
 * used instead of a bare `require` because the host evaluates this text as a module with no file
 * name, so package self-reference (a program inside this repository) would not resolve otherwise.
 */
export function providerShim(kind: string): pulumi.dynamic.ResourceProvider {
  const p = () =>
    require("module")
      .createRequire(require("path").join(process.cwd(), "package.json"))("pulumi-phone-numbers/provider")
      .provider(kind);
  return {
    configure: (r) => p().configure(r),
    check: (o, n) => p().check(o, n),
    diff: (i, o, n) => p().diff(i, o, n),
    create: (n) => p().create(n),
    read: (i, s) => p().read(i, s),
    update: (i, o, n) => p().update(i, o, n),
    delete: (i, s) => p().delete(i, s),
  };
}
