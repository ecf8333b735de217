#!/usr/bin/env node
// Lists the longest functions (in source lines, first to last line of the body) of the product code,
// for refactoring reviews: `node .ci/longest-functions.mjs [--top N] [--json] [DIR...]`.
// Default folders: core main renderer sim (tests are left out: a long test is a list of cases).
// Reads the TypeScript syntax tree (the typescript package), so nested functions are counted on their
// own and also inside their parent.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let top = 10;
let json = false;
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = Number(args[++i]);
  else if (args[i] === '--json') json = true;
  else dirs.push(args[i]);
}
if (!dirs.length) dirs.push('core', 'main', 'renderer', 'sim');

function files(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) {
    const cls = node.parent && ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
    return cls + node.name.text;
  }
  if (ts.isConstructorDeclaration(node) && node.parent.name) return `${node.parent.name.text}.constructor`;
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return '(anonymous)';
}

const rows = [];
for (const dir of dirs) {
  for (const file of files(join(root, dir), [])) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    const visit = (node) => {
      if (ts.isFunctionLike(node) && node.body) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        const end = sf.getLineAndCharacterOfPosition(node.end).line + 1;
        rows.push({ lines: end - start + 1, file: relative(root, file), line: start, name: nameOf(node) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}
rows.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
const out = rows.slice(0, top);
if (json) console.log(JSON.stringify(out, null, 2));
else for (const r of out) console.log(`${String(r.lines).padStart(5)}  ${r.name}  ${r.file}:${r.line}`);
