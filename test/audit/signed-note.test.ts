// The signed-note format (core/audit/signed-note.ts) against bytes someone else made: the worked
// example of Go's golang.org/x/mod/sumdb/note package documentation (the reference implementation
// c2sp.org/signed-note was written from). Ed25519 is deterministic (RFC 8032), so signing the same
// text with the same key must give the published note byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  noteKeyId,
  parseSignedNote,
  signNote,
  SignedNoteError,
  validKeyName,
  verifyNote,
} from '../../core/audit/signed-note.ts';
import { ed25519PublicOf, ed25519SignWith } from '../../main/audit/sealing-key.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';

// golang.org/x/mod/sumdb/note, package documentation ("Generating Keys" and the signed example).
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE =
  GO_TEXT +
  '\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

// Keys in the Go encoding: name+hex key id+base64(type byte 0x01 || 32 bytes). The last '+' field
// is the key (its base64 may itself contain '+': split on the first separators only).
function goKey(s: string, fields: number): { name: string; id: string; type: number; key: Uint8Array } {
  const parts = s.split('+');
  const head = parts.slice(0, fields - 1);
  const raw = Buffer.from(parts.slice(fields - 1).join('+'), 'base64');
  return {
    name: head[head.length - 2]!,
    id: head[head.length - 1]!,
    type: raw[0]!,
    key: new Uint8Array(raw.subarray(1)),
  };
}
const sk = goKey(GO_SKEY, 5);
const vk = goKey(GO_VKEY, 3);
const verify = (k: Uint8Array, m: Uint8Array, s: Uint8Array) => nodeCrypto.ed25519Verify(k, m, s);

test('the Go sumdb/note example: key id, public key, and the signed note byte for byte', () => {
  assert.equal(sk.type, 0x01);
  assert.equal(vk.type, 0x01);
  assert.deepEqual(ed25519PublicOf(sk.key), vk.key, 'the private key of the example gives its public key');
  assert.equal(Buffer.from(noteKeyId('PeterNeumann', vk.key)).toString('hex'), 'c74f20a3');
  const note = signNote(GO_TEXT, [
    { name: 'PeterNeumann', publicKey: vk.key, sign: (m) => ed25519SignWith(sk.key, m) },
  ]);
  assert.equal(note, GO_NOTE);
});

test('the Go example verifies; a changed text, another key or a changed signature does not', () => {
  const n = parseSignedNote(GO_NOTE);
  assert.equal(n.text, GO_TEXT);
  assert.equal(n.signatures.length, 1);
  assert.equal(verifyNote(n, 'PeterNeumann', vk.key, verify), true);
  assert.equal(
    verifyNote(parseSignedNote(GO_NOTE.replace('cryptography', 'cryptographY')), 'PeterNeumann', vk.key, verify),
    false,
  );
  const other = ed25519PublicOf(new Uint8Array(32).fill(7));
  assert.equal(verifyNote(n, 'PeterNeumann', other, verify), false, 'an unknown key (other id) finds no signature');
  assert.equal(verifyNote(n, 'EnochRoot', vk.key, verify), false, 'same key under another name: unknown');
  const sig = Buffer.from(n.signatures[0]!.signature);
  sig[10] ^= 1;
  const forged =
    GO_TEXT + `\n\u2014 PeterNeumann ${Buffer.concat([Buffer.from('c74f20a3', 'hex'), sig]).toString('base64')}\n`;
  assert.equal(verifyNote(parseSignedNote(forged), 'PeterNeumann', vk.key, verify), false);
});

test('a known key that fails rejects the note even when another line of the same key verifies', () => {
  const good = parseSignedNote(GO_NOTE).signatures[0]!;
  const bad = Buffer.from(good.signature);
  bad[0] ^= 0xff;
  const line = (s: Uint8Array) =>
    `\u2014 PeterNeumann ${Buffer.concat([Buffer.from(good.keyId), Buffer.from(s)]).toString('base64')}\n`;
  const both = GO_TEXT + '\n' + line(good.signature) + line(bad);
  assert.equal(verifyNote(parseSignedNote(both), 'PeterNeumann', vk.key, verify), false);
  // Lines of unknown keys are ignored (a witness cosignature, say).
  const unknown =
    GO_TEXT + '\n' + `\u2014 witness.example ${Buffer.alloc(68, 3).toString('base64')}\n` + line(good.signature);
  assert.equal(verifyNote(parseSignedNote(unknown), 'PeterNeumann', vk.key, verify), true);
});

test('malformed notes are refused with SignedNoteError, never a crash', () => {
  const sigLine = GO_NOTE.slice(GO_TEXT.length + 1);
  for (const bad of [
    '',
    GO_TEXT, // no signatures
    GO_TEXT + '\n', // blank line, no signature line
    GO_TEXT + '\n' + sigLine.replace('\u2014 ', '-- '), // ASCII dashes
    GO_TEXT + '\n' + sigLine.replace('PeterNeumann', 'Peter+Neumann'), // '+' in a name
    GO_TEXT + '\n' + sigLine.replace('PeterNeumann ', ' '), // empty name
    GO_TEXT + '\n' + sigLine.replace('x08go', 'x08g!'), // not base64
    GO_TEXT + '\n' + sigLine.slice(0, -1), // no final newline
    GO_TEXT.replace('problem,', 'problem,\x07') + '\n' + sigLine, // control character
    GO_TEXT + '\n' + `\u2014 PeterNeumann ${Buffer.alloc(4).toString('base64')}\n`, // key id only
    GO_TEXT + '\n' + sigLine.repeat(17), // too many signatures
  ]) {
    assert.throws(() => parseSignedNote(bad), SignedNoteError, JSON.stringify(bad.slice(-40)));
  }
  assert.equal(validKeyName('kakunin.local/audit/0123456789abcdef'), true);
  for (const n of ['', 'a b', 'a+b', 'a\u3000b', 'a\tb']) assert.equal(validKeyName(n), false, JSON.stringify(n));
  assert.throws(
    () => signNote('no newline', [{ name: 'x', publicKey: vk.key, sign: () => new Uint8Array(64) }]),
    SignedNoteError,
  );
});

test('the text is split at the LAST blank line, so a text may hold empty lines', () => {
  const text = 'first\n\nthird\n';
  const note = signNote(text, [{ name: 'PeterNeumann', publicKey: vk.key, sign: (m) => ed25519SignWith(sk.key, m) }]);
  const n = parseSignedNote(note);
  assert.equal(n.text, text);
  assert.equal(verifyNote(n, 'PeterNeumann', vk.key, verify), true);
});
