#!/usr/bin/env node
// Part of `npm run lint`: fails when a source function is longer than MAX_LINES (its body, from the
// opening brace to the closing one). Nested functions count inside their parent too, so a factory
// of many methods is one long function: make it a class or named functions instead. Tests and
// benchmarks are left out (a test's body is its story).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const MAX_LINES = 60;
const root = join(fileURLToPath(import.meta.url), "..", "..");
const FOLDERS = ["provider", "sdk", "cli", "sandbox", "scripts"];

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) yield path;
  }
}

const isFunction = (n) =>
  ts.isFunctionDeclaration(n) ||
  ts.isMethodDeclaration(n) ||
  ts.isArrowFunction(n) ||
  ts.isFunctionExpression(n) ||
  ts.isConstructorDeclaration(n) ||
  ts.isGetAccessorDeclaration(n) ||
  ts.isSetAccessorDeclaration(n);

function nameOf(n) {
  if (n.name) return n.name.getText();
  const p = n.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) && p.name) return p.name.getText();
  return "<anonymous>";
}

const long = [];
for (const folder of FOLDERS) {
  for (const file of sources(join(root, folder))) {
    const src = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (n) => {
      if (isFunction(n) && n.body) {
        const from = src.getLineAndCharacterOfPosition(n.body.getStart()).line;
        const to = src.getLineAndCharacterOfPosition(n.body.getEnd()).line;
        if (to - from + 1 > MAX_LINES)
          long.push(`${relative(root, file)}:${from + 1} ${nameOf(n)} is ${to - from + 1} lines`);
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
}
if (long.length > 0) {
  console.error(`functions over ${MAX_LINES} lines (split them by responsibility):\n  ${long.join("\n  ")}`);
  process.exit(1);
}
