// SHA-256 fingerprints of the real J-LIS anchors (facts, as published by J-LIS and JPKI; the sources
// are in docs/trust.md). The anchors themselves ship built in (resources/builtin-trust) and must
// match these; an import whose subject claims to be J-LIS / JPKI but whose fingerprint is not one of
// these is refused unless staff approve it on purpose as a rotated anchor.
//
// Adding a new generation of JPKI roots means adding its fingerprint here (and the file beside the
// built-ins), on purpose: the kiosk fails closed on a J-LIS-looking root it does not know.

import type { Certificate } from '../x509/certificate.ts';

export interface PinnedRoot {
  name: string;
  /** Which trust folder it belongs to. */
  kind: 'iaca' | 'jpki';
  /** Subject as nameToString prints it (DER order). */
  subject: string;
  /** Lower-case hex SHA-256 of the certificate DER. */
  sha256: string;
  validFrom: string;
  validUntil: string;
  source: string;
}

const hex = (colon: string): string => colon.replace(/:/g, '').toLowerCase();

export const PINNED_ROOTS: readonly PinnedRoot[] = [
  {
    name: 'J-LIS mncmdocRootCA (IACA of the My Number Card on smartphones, docType org.iso.23220.1.jp.mnc)',
    kind: 'iaca',
    subject: 'CN=mncmdocRootCA, O=Japan Agency for Local Authority Information Systems, C=JP',
    sha256: hex('6E:8A:31:08:60:93:16:96:1D:14:24:26:CE:84:2B:79:27:FD:28:17:55:31:70:56:E1:57:4E:B9:ED:E8:0A:0E'),
    validFrom: '2025-01-29',
    validUntil: '2030-05-28',
    source: 'https://www.j-lis.go.jp/pn/mdociaca.html',
  },
  {
    name: 'JPKI for user authentication (2015)',
    kind: 'jpki',
    subject: 'C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems',
    sha256: hex('4D:CF:C4:CA:0A:AF:9F:B2:A3:08:1B:3F:0C:99:1C:32:0B:3A:CC:00:86:67:A3:41:EE:AE:C5:AF:1D:58:CA:7D'),
    validFrom: '2015-10-20',
    validUntil: '2025-10-19',
    source: 'https://www.jpki.go.jp/ca/ca_rules4.html',
  },
  {
    name: 'JPKI for user authentication (2023)',
    kind: 'jpki',
    subject: 'C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems',
    sha256: hex('64:11:4F:29:62:0C:24:ED:26:31:D4:64:76:A0:40:E7:EE:74:0D:95:60:89:C0:0B:03:6A:6A:81:18:C3:22:B5'),
    validFrom: '2023-07-16',
    validUntil: '2033-07-15',
    source: 'https://www.jpki.go.jp/ca/ca_rules4.html',
  },
  {
    name: 'JPKI for digital signature (2015)',
    kind: 'jpki',
    subject: 'C=JP, O=JPKI, OU=JPKI for digital signature, OU=Japan Agency for Local Authority Information Systems',
    sha256: hex('19:64:54:05:A1:FE:14:37:74:34:BD:55:95:76:28:AC:40:38:55:7C:54:24:03:A2:24:3F:21:C7:06:FC:93:55'),
    validFrom: '2015-10-20',
    validUntil: '2025-10-19',
    source: 'https://www.jpki.go.jp/ca/ca_rules3.html',
  },
  {
    name: 'JPKI for digital signature (2023)',
    kind: 'jpki',
    subject: 'C=JP, O=JPKI, OU=JPKI for digital signature, OU=Japan Agency for Local Authority Information Systems',
    sha256: hex('D2:27:F6:CD:E1:1D:35:C5:25:21:78:F1:06:F8:43:D2:46:51:94:49:75:41:3B:53:9F:A2:FB:68:DB:FA:36:5F'),
    validFrom: '2023-07-16',
    validUntil: '2033-07-15',
    source: 'https://www.jpki.go.jp/ca/ca_rules3.html',
  },
];

/** The J-LIS CVC CA keys (RSA-2048, e = 65537) that sign the card's EF 0004 certificates, by key id. */
export interface PinnedCardFaceKey {
  /** Lower-case hex of the 16-byte key id (the built-in file is card-face/<keyId>.pem). */
  keyId: string;
  label: string;
  /** Which card certificate it signs. */
  signs: 'card-face AP' | 'text AP' | 'MF level';
  /** Lower-case hex SHA-256 of the SubjectPublicKeyInfo DER. */
  spkiSha256: string;
}

export const PINNED_CARD_FACE_KEYS: readonly PinnedCardFaceKey[] = [
  {
    keyId: '35303030303233080530303100000000',
    label: '5000023 08 05 001',
    signs: 'card-face AP',
    spkiSha256: '15a23f54d0a808d0c225436d0965a2d54115bb42b7beaff01d1516e0b1356084',
  },
  {
    keyId: '35303030303333080530303100000000',
    label: '5000033 08 05 001',
    signs: 'text AP',
    spkiSha256: '37fcfbcc4dc3dffb58183136595c3161ebda8e332a4a767e6f8bea9f93b8115a',
  },
  // Its key id ends 00 00 00 A8 (not all zero): all 16 bytes are compared.
  {
    keyId: '353030303032300805303031000000a8',
    label: '5000020 08 05 001 (…A8)',
    signs: 'MF level',
    spkiSha256: '1a39ddc72347ce4fa4e866700895d570d70b905735587c30a60bdafa5c193c5e',
  },
];

/**
 * A name reduced to what a person reads: NFKC (full-width and compatibility forms folded), lower case,
 * look-alike letters from other scripts mapped to the Latin ones they imitate (Cyrillic "о" for "o",
 * Greek "Ι" for "I", ...), digits that pass for letters (0 -> o, 1 -> l), and everything but letters
 * and digits dropped. Two names with the same skeleton look the same on a screen.
 */
export function skeleton(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFKC').toLowerCase()) {
    const m = CONFUSABLE[ch] ?? ch;
    if (/[\p{L}\p{N}]/u.test(m)) out += m;
  }
  return out;
}

// Letters of other scripts that render like Latin ones (a subset of Unicode's confusables table that
// covers Cyrillic, Greek and Armenian look-alikes of the letters in the J-LIS names), and digits.
const CONFUSABLE: Record<string, string> = Object.fromEntries(
  [
    ['аạą', 'a'],
    ['ьЬ', 'b'],
    ['сϲⅽ', 'c'],
    ['ԁⅾ', 'd'],
    ['еєё', 'e'],
    ['ɡ', 'g'],
    ['һ', 'h'],
    ['іїıɩιⅰӏ', 'i'],
    ['јϳ', 'j'],
    ['κк', 'k'],
    ['ⅼ|', 'l'],
    ['ⅿм', 'm'],
    ['ոп', 'n'],
    ['оο0օ', 'o'],
    ['рρ', 'p'],
    ['ԛ', 'q'],
    ['г', 'r'],
    ['ѕ', 's'],
    ['т', 't'],
    ['υս', 'u'],
    ['ѵν', 'v'],
    ['ԝω', 'w'],
    ['хχ', 'x'],
    ['уγ', 'y'],
    ['ʐ', 'z'],
  ].flatMap(([from, to]) => [...from!].map((c) => [c, to!])),
);
// '1' reads as 'l' as often as 'i': both readings are tried, below.

/** J-LIS markers as skeletons, with how many edits still count as the same name. */
const JLIS_MARKERS: ReadonlyArray<{ skeleton: string; maxEdits: number; whole?: boolean }> = [
  { skeleton: skeleton('Japan Agency for Local Authority Information Systems'), maxEdits: 4 },
  { skeleton: skeleton('mncmdocRootCA'), maxEdits: 2 },
  { skeleton: skeleton('JPKI'), maxEdits: 0, whole: true },
  { skeleton: skeleton('J-LIS'), maxEdits: 0 },
  { skeleton: skeleton('地方公共団体情報システム機構'), maxEdits: 2 },
];

/** Smallest edit distance between `m` and any substring of `s` (Sellers' approximate matching). */
function approxDistance(m: string, s: string): number {
  let prev = new Array<number>(s.length + 1).fill(0);
  for (let i = 1; i <= m.length; i++) {
    const cur = [i];
    for (let j = 1; j <= s.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (m[i - 1] === s[j - 1] ? 0 : 1));
    prev = cur;
  }
  return Math.min(...prev);
}

function looksLikeJlis(value: string): boolean {
  const v = skeleton(value).replace(/1/g, 'i');
  const w = skeleton(value).replace(/1/g, 'l');
  return JLIS_MARKERS.some((mk) =>
    [v, w].some((x) =>
      mk.whole
        ? x === mk.skeleton
        : mk.maxEdits === 0
          ? x.includes(mk.skeleton)
          : x.length >= mk.skeleton.length - mk.maxEdits && approxDistance(mk.skeleton, x) <= mk.maxEdits,
    ),
  );
}

/**
 * Does this certificate present itself as a J-LIS root (by subject)? Matching is deliberately broad
 * and done on skeletons: a look-alike ("JPKI" in Cyrillic letters, the organisation name with a
 * letter missing, full-width forms) is treated as a claim, and a claim must match a pinned fingerprint.
 */
export function claimsToBeJlisRoot(cert: Certificate): boolean {
  return cert.subject.attributes.some((a) => looksLikeJlis(a.value));
}

/** Is the subject's country Japan (C=JP, after NFKC and look-alike folding)? */
export function subjectIsJapanese(cert: Certificate): boolean {
  return cert.subject.attributes.some((a) => a.type === 'C' && skeleton(a.value) === 'jp');
}

export type PinCheck =
  { status: 'not-jlis' } | { status: 'pinned'; root: PinnedRoot } | { status: 'mismatch'; detail: string };

/** Decide whether `cert` (whose SHA-256 is `sha256Hex`) may be imported as `kind`. */
export function checkPinnedRoot(
  cert: Certificate,
  sha256Hex: string,
  kind: 'iaca' | 'jpki' | 'vical-signer',
): PinCheck {
  const byFingerprint = PINNED_ROOTS.find((p) => p.sha256 === sha256Hex.toLowerCase());
  if (byFingerprint) {
    if (byFingerprint.kind !== kind)
      return { status: 'mismatch', detail: `${byFingerprint.name} is a ${byFingerprint.kind} root, not ${kind}` };
    return { status: 'pinned', root: byFingerprint };
  }
  if (claimsToBeJlisRoot(cert)) {
    return {
      status: 'mismatch',
      detail: `certificate claims to be a J-LIS root by its subject but its SHA-256 fingerprint ${sha256Hex} matches none of the pinned J-LIS roots`,
    };
  }
  return { status: 'not-jlis' };
}
