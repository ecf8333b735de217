// The pairing files: how a browser of the kiosk user gets a one-time token without argv or stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { privateDir, publishPairing } from '../../main/headless/pairing-file.ts';
import { setupHeadless, wsOpen } from './headless-client.ts';

const tokenIn = (url: string) => /#pair=([A-Za-z0-9_-]{43})$/.exec(url.trim())?.[1] ?? '';

test('pair.html and pair.url: 0600 in a 0700 directory, one-time, renewed once spent, removed at close', async () => {
  const s = await setupHeadless();
  const dir = join(s.home, 'run');
  const lines: string[] = [];
  const p = publishPairing(dir, s.h, (l) => lines.push(l));
  try {
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const f of [p.htmlFile, p.urlFile]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    assert.equal(fileURLToPath(p.fileUrl), p.htmlFile);
    assert.doesNotMatch(p.fileUrl, /pair=|token/, 'the file:// URL Chromium gets carries nothing secret');
    const first = tokenIn(readFileSync(p.urlFile, 'utf8'));
    assert.match(readFileSync(p.urlFile, 'utf8'), new RegExp(`^http://127\\.0\\.0\\.1:${s.h.port}/#pair=`));
    assert.match(
      readFileSync(p.htmlFile, 'utf8'),
      new RegExp(`<meta http-equiv="refresh" content="0;url=http://127\\.0\\.0\\.1:${s.h.port}/#pair=${first}">`),
    );
    assert.equal(p.hint(), `${first.slice(0, 4)}…`);

    const screen = await wsOpen(s.h.port, first);
    assert.ok(screen.ok);
    const second = tokenIn(readFileSync(p.urlFile, 'utf8'));
    assert.ok(second && second !== first, 'a fresh pairing replaces the spent one');
    assert.ok(readFileSync(p.htmlFile, 'utf8').includes(second));
    assert.equal(statSync(p.urlFile).mode & 0o777, 0o600, 'still 0600 after renewal');
    assert.equal(lines.length, 1);
    assert.ok(
      lines[0]!.includes(`${first.slice(0, 4)}…`) && !lines[0]!.includes(first) && !lines[0]!.includes(second),
      lines[0],
    );
    assert.equal((await wsOpen(s.h.port, first)).status, 401);
    screen.ws!.close();
  } finally {
    p.close();
    await s.done();
  }
  assert.ok(!existsSync(p.htmlFile) && !existsSync(p.urlFile));
});

test("the pairing directory is made private, and refused when it is a symlink or someone else's", async () => {
  const base = mkdtempSync(join(tmpdir(), 'kakunin-pairdir-'));
  try {
    const loose = join(base, 'loose');
    mkdirSync(loose, { mode: 0o777 });
    chmodSync(loose, 0o777);
    privateDir(loose);
    assert.equal(statSync(loose).mode & 0o777, 0o700, 'a group/world-open directory is closed');
    const link = join(base, 'link');
    symlinkSync(loose, link);
    assert.throws(() => privateDir(link), /not a directory/);
    if (process.getuid?.() === 0) {
      const theirs = join(base, 'theirs');
      mkdirSync(theirs, { mode: 0o700 });
      chownSync(theirs, 65534, 65534);
      assert.throws(() => privateDir(theirs), /belongs to uid 65534/);
    } else {
      console.log(
        '# not root: a directory owned by another user cannot be made here; the owner check is not exercised',
      );
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
