// Code comments point at this repository's own docs, by file and section: docs/architecture.md
// "Code comments". Every `docs/<file>.md "<section>"` pointer in core/, main/, renderer/, sim/, api/,
// scripts/ and test/ must name a heading that exists, and no comment may point at documents outside the
// repository or at issue numbers (history belongs in commit messages). The one module that locates the
// reference bytes beside the checkout (test/support/reference-files.ts) names that folder, and this
// test names the patterns: both are left out of the first check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const DIRS = ['core', 'main', 'renderer', 'sim', 'api', 'scripts', 'test'];
const NAMES_THE_FOLDER = new Set(['test/support/reference-files.ts', 'test/docs/doc-pointers.test.ts']);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|tsx|mts|cts|mjs|cjs|json)$/.test(name)) out.push(p);
  }
  return out;
}
const files = DIRS.flatMap((d) => sources(join(root, d)));

test('no comment points outside the repository or at an issue number', () => {
  const outside =
    /\.\.\/shared|shared\/(spec|design|vectors|trust)|ARCHITECTURE\.md|STYLE\.md|TOOLCHAIN|issue #?\d|engineer H\d/;
  const hits: string[] = [];
  for (const f of files) {
    if (NAMES_THE_FOLDER.has(relative(root, f))) continue;
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (outside.test(line)) hits.push(`${relative(root, f)}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
  }
  assert.deepEqual(hits, [], 'point at a section of docs/*.md instead');
});

test('every docs/*.md "section" pointer names a heading of that page', () => {
  const headings = new Map<string, string[]>();
  const headingsOf = (doc: string): string[] | null => {
    if (!headings.has(doc)) {
      const p = join(root, doc);
      headings.set(
        doc,
        existsSync(p)
          ? readFileSync(p, 'utf8')
              .split('\n')
              .filter((l) => /^#{1,4} /.test(l))
              .map((l) => l.replace(/^#+ /, '').replace(/^\d+(\.\d+)*\.? /, ''))
          : [],
      );
    }
    const h = headings.get(doc)!;
    return h.length ? h : null;
  };
  // docs/<page>.md "A", "B" and "C": every quoted name right after the path counts.
  const pointer = /(docs\/[a-z0-9-]+\.md)((?:\s*"[^"\n]+"(?:,| and)?)*)/g;
  const bad: string[] = [];
  let count = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8').replace(/\n\s*(?:\/\/|\*)\s*/g, ' '); // join wrapped comment lines
    for (const m of text.matchAll(pointer)) {
      const doc = m[1]!;
      const hs = headingsOf(doc);
      if (!hs) {
        bad.push(`${relative(root, f)}: ${doc} does not exist`);
        continue;
      }
      for (const q of (m[2] ?? '').matchAll(/"([^"]+)"/g)) {
        count++;
        const name = q[1]!;
        if (!hs.some((h) => h === name || h.startsWith(`${name} `) || h.startsWith(`${name}(`)))
          bad.push(`${relative(root, f)}: ${doc} has no heading "${name}"`);
      }
    }
  }
  assert.deepEqual(bad, []);
  assert.ok(count > 40, `only ${count} section pointers found: the pattern no longer matches the code's comments`);
});
