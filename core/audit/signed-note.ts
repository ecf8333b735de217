// C2SP signed-note (c2sp.org/signed-note, v1.0.0): text ending in a newline, a blank line, then
// one or more lines "— <key name> <base64(4-byte key ID || signature)>". The audit log's
// checkpoints and epoch certificates are signed notes (docs/audit-log.md "Formats"), so a head
// office can keep them as plain text and any note-aware tool can read them.
//
// Rules taken from the spec, each enforced here:
// - the whole note is UTF-8 with no control character other than "\n";
// - the text is everything up to and including the newline before the LAST blank line;
// - a key name is non-empty and holds no Unicode space and no "+";
// - the key ID of an Ed25519 key is SHA-256(name || 0x0A || 0x01 || 32-byte key)[:4];
// - signatures from unknown keys are ignored; a known key whose signature fails rejects the note;
//   a note with no verifying signature from a known key is rejected.
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Decode, base64Encode } from '../x509/pem.ts';
import { bytesEqual } from './canonical.ts';

/** Signature type byte for Ed25519 (signed-note "Signature types"). */
export const NOTE_ED25519 = 0x01;
/** The spec asks verifiers to accept at least 16 signatures; more is refused as hostile. */
export const MAX_NOTE_SIGNATURES = 16;
/** Our notes are a few hundred bytes; epoch certificates list sealed logs and stay far below this. */
export const MAX_NOTE_BYTES = 64 * 1024;

const DASH = '\u2014 ';
const utf8 = new TextEncoder();

export class SignedNoteError extends Error {
  override readonly name = 'SignedNoteError';
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text, final newline included. */
  text: string;
  signatures: NoteSignature[];
}

/** A key that can sign: its name, its 32-byte Ed25519 public key, and a signing function. */
export interface NoteSigner {
  name: string;
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export type Ed25519Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

/** Unicode white space (\s in JS covers the Unicode Zs class and the ASCII spaces) or "+". */
export function validKeyName(name: string): boolean {
  return name.length > 0 && name.length <= 256 && !/[\s+]/u.test(name) && !/[\x00-\x1f]/.test(name);
}

export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  const n = utf8.encode(name);
  const msg = new Uint8Array(n.length + 2 + publicKey.length);
  msg.set(n, 0);
  msg[n.length] = 0x0a;
  msg[n.length + 1] = NOTE_ED25519;
  msg.set(publicKey, n.length + 2);
  return sha256(msg).subarray(0, 4);
}

function checkText(text: string): void {
  if (text.length === 0 || !text.endsWith('\n')) throw new SignedNoteError('note text must end with a newline');
  if (/[\x00-\x09\x0b-\x1f]/.test(text)) throw new SignedNoteError('note text contains a control character');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text))
    throw new SignedNoteError('note text is not valid Unicode');
}

/** The text plus one signature line per signer. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  if (signers.length === 0) throw new SignedNoteError('a note needs at least one signature');
  const msg = utf8.encode(text);
  let out = text + '\n';
  for (const s of signers) {
    if (!validKeyName(s.name)) throw new SignedNoteError('invalid key name');
    const sig = s.sign(msg);
    const blob = new Uint8Array(4 + sig.length);
    blob.set(noteKeyId(s.name, s.publicKey), 0);
    blob.set(sig, 4);
    out += `${DASH}${s.name} ${base64Encode(blob)}\n`;
  }
  return out;
}

/** Parse without verifying; throws SignedNoteError on anything malformed. */
export function parseSignedNote(note: string): SignedNote {
  if (typeof note !== 'string') throw new SignedNoteError('a note is text');
  if (utf8.encode(note).length > MAX_NOTE_BYTES) throw new SignedNoteError(`note longer than ${MAX_NOTE_BYTES} bytes`);
  if (/[\x00-\x09\x0b-\x1f]/.test(note)) throw new SignedNoteError('note contains a control character');
  if (!note.endsWith('\n')) throw new SignedNoteError('note must end with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new SignedNoteError('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  checkText(text);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new SignedNoteError(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    if (!line.startsWith(DASH)) throw new SignedNoteError('a signature line must start with an em dash and a space');
    const rest = line.slice(DASH.length);
    const sp = rest.lastIndexOf(' ');
    if (sp <= 0) throw new SignedNoteError('a signature line needs a key name and a signature');
    const name = rest.slice(0, sp);
    if (!validKeyName(name)) throw new SignedNoteError('invalid key name in a signature line');
    const blob = base64Decode(rest.slice(sp + 1));
    if (!blob || /\s/.test(rest.slice(sp + 1)) || blob.length < 5)
      throw new SignedNoteError('invalid signature encoding');
    signatures.push({ name, keyId: blob.slice(0, 4), signature: blob.slice(4) });
  }
  return { text, signatures };
}

/**
 * Does `note` carry a valid signature by (name, Ed25519 publicKey)? Other keys' lines are ignored;
 * a line of this key that fails rejects the note (signed-note "Signatures").
 */
export function verifyNote(note: SignedNote, name: string, publicKey: Uint8Array, verify: Ed25519Verify): boolean {
  const id = noteKeyId(name, publicKey);
  const mine = note.signatures.filter((s) => s.name === name && bytesEqual(s.keyId, id));
  if (mine.length === 0) return false;
  const msg = utf8.encode(note.text);
  return mine.every((s) => s.signature.length === 64 && verify(publicKey, msg, s.signature));
}
