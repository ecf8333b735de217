// Others' bytes the tests check us against, kept OUTSIDE this repository on purpose: the published
// ISO/IEC 18013-5 Annex D worked example, a captured Apple Wallet NFC handover, and the public J-LIS
// anchors as the issuer publishes them. Because no code of ours wrote them, a test that agrees with
// them cannot be agreeing with our own misreading (README "Reference bytes").
//
// They live in a folder beside the checkout (`../shared`), or where KAKUNIN_REFERENCE_DIR points:
//   vectors/iso18013-5-annex-d.json   Annex D values (hex) by name
//   vectors/nfc-handover.json         the Apple Wallet Handover Select and its transcript
//   trust/real/                       the real public anchors (PEM), as downloaded
// A missing folder is a clear failure naming the path, never a silent skip: these are the checks
// that catch a shared misreading between our simulator and our reader.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

export const REFERENCE_DIR = process.env['KAKUNIN_REFERENCE_DIR']
  ? resolve(process.env['KAKUNIN_REFERENCE_DIR'])
  : resolve(ROOT, '..', 'shared');

/** Absolute path of a reference file; throws naming the folder when it is not there. */
export function referencePath(...parts: string[]): string {
  const path = resolve(REFERENCE_DIR, ...parts);
  if (!existsSync(path)) {
    throw new Error(
      `reference file ${parts.join('/')} not found in ${REFERENCE_DIR}: put the reference folder beside ` +
        'the checkout (../shared) or set KAKUNIN_REFERENCE_DIR (README "Reference bytes")',
    );
  }
  return path;
}

/** The real anchors as published (PEM files by name). */
export const realTrustDir = (): string => referencePath('trust', 'real');

const cache = new Map<string, unknown>();
function json<T>(...parts: string[]): T {
  const key = parts.join('/');
  if (!cache.has(key)) cache.set(key, JSON.parse(readFileSync(referencePath(...parts), 'utf8')));
  return cache.get(key) as T;
}

/** ISO/IEC 18013-5 Annex D: `values` holds each example's bytes as hex, by the Annex's names. */
export interface AnnexD {
  values: Record<string, string>;
  [other: string]: any;
}
export const annexD = (): AnnexD => json<AnnexD>('vectors', 'iso18013-5-annex-d.json');
export const annexDPath = (): string => referencePath('vectors', 'iso18013-5-annex-d.json');

/** The captured Apple Wallet NFC handover (its fields are read by each test that uses it). */
export const appleHandover = (): any => json('vectors', 'nfc-handover.json');
