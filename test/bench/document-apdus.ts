// APDUs and bytes per document and policy for the driving licence and the residence card (virtual
// cards, in memory), with the minimum the specification notes give for the same read beside them.
// Part of the `card_apdus` bench figures (card-apdus.ts), and printable alone:
//   node --import tsx test/bench/document-apdus.ts
//
// Spec minimums (our notes on each document; identify = the 1 SELECT that found the document, not
// counted in the reads):
// - licence age-over-20, PIN 1 only: 15 (§8a: MF, EF02, EF01 + read, tries, VERIFY, DF1, EF01,
//   6 header reads, 1 value read); with PIN 2 and the signature: §8b rows 1-14 without EF04 + DF2
//   photo (10) + the signature part (7) = 31.
// - licence identity: 31 with EF03 and no signature; we never read EF03 (gaiji bitmaps are flagged,
//   not drawn) but check the signature: 28 + 7 = 35. entrance: identity without EF04 (4) = 31.
// - residence card 2nd generation: 10 without DF2, 14 with it (§5); 1st generation 10-15 / 16-21.
//   Our reads add SELECT MF before the card type (the identification left DF1 selected).
// - マイナ免許証 (licence AP): SELECT AP, READ WEF01, tries, VERIFY, SELECT WEF02 (5), then READ BINARY
//   until C5's value: WEF02's layout is unpublished, so the minimum is 5 + the header reads before C5
//   + 1. We also walk the headers after C5 to list the undecoded objects (never their values).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { PolicyName } from '../../core/policy/policy.ts';
import { readDrivingLicence } from '../../core/licence/read-licence.ts';
import { readResidenceCard } from '../../core/residence-card/read-residence-card.ts';
import { readMynaLicence } from '../../core/myna-licence/read-myna-licence.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { VirtualMynaLicenceAp } from '../../sim/licence/virtual-myna-licence-ap.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadDocumentTrust } from '../../main/trust/document-trust.ts';
import { VirtualLicence } from '../../sim/licence/virtual-licence.ts';
import { VirtualResidenceCard } from '../../sim/residence-card/virtual-residence-card.ts';

const TRUST = join(import.meta.dirname, '..', '..', 'resources', 'test-trust');
const AT = new Date('2026-11-22T10:00:00+09:00');

export interface DocumentApduFigure {
  document: string;
  policy: PolicyName;
  secrets: string;
  verdict: string;
  apdus: number;
  bytesSent: number;
  bytesReceived: number;
  spec_minimum_apdus: number | string;
  byKind: Record<string, number>;
}

function kindOf(hex: string): string {
  if (hex.startsWith('00a40000')) return 'select_mf';
  if (hex.startsWith('00a4040c')) return 'select_df';
  if (hex.startsWith('00a4020c')) return 'select_ef';
  if (/^0020008[126]$/.test(hex)) return 'tries';
  if (hex.startsWith('002000')) return 'verify';
  if (hex.startsWith('0820')) return 'verify_sm';
  if (hex.startsWith('08b0')) return 'read_sm';
  if (hex.startsWith('00b0')) return 'read_binary';
  if (hex.startsWith('0084')) return 'get_challenge';
  if (hex.startsWith('0082')) return 'mutual_auth';
  return 'other';
}

const SPEC_LICENCE: Record<string, number> = {
  'age-over-20/pin1': 15,
  'age-over-20/pin1+pin2': 31,
  'identity/pin1+pin2': 35,
  'entrance/pin1+pin2': 31,
};
const SPEC_RC: Record<string, string> = {
  'gen2/age-over-20': '10',
  'gen2/entrance': '10',
  'gen2/identity': '14 (with DF2; the address image adds 1)',
  'gen1/age-over-20': '10-15',
  'gen1/entrance': '10-15',
  'gen1/identity': '16-21',
};

export async function measureDocumentApdus(): Promise<DocumentApduFigure[]> {
  const trust = loadDocumentTrust(TRUST, nodeCrypto);
  const out: DocumentApduFigure[] = [];
  const now = () => performance.now();
  const cases: Array<[PolicyName, { pin1: string; pin2?: string }]> = [
    ['age-over-20', { pin1: '1234' }],
    ['age-over-20', { pin1: '1234', pin2: '5678' }],
    ['identity', { pin1: '1234', pin2: '5678' }],
    ['entrance', { pin1: '1234', pin2: '5678' }],
  ];
  for (const [policy, secrets] of cases) {
    const card = new VirtualLicence();
    const r = await readDrivingLicence({
      transport: { transmit: async (c) => card.process(c) },
      policy,
      secrets,
      signature: true,
      trust,
      crypto: nodeCrypto,
      at: AT,
      now,
    });
    const byKind: Record<string, number> = {};
    for (const l of card.log) byKind[kindOf(l.command)] = (byKind[kindOf(l.command)] ?? 0) + 1;
    const key = `${policy}/${secrets.pin2 ? 'pin1+pin2' : 'pin1'}`;
    out.push({
      document: 'driving-licence',
      policy,
      secrets: secrets.pin2 ? 'pin1+pin2' : 'pin1',
      verdict: r.verdict,
      apdus: r.apdus.count,
      bytesSent: r.apdus.bytesOut,
      bytesReceived: r.apdus.bytesIn,
      spec_minimum_apdus: SPEC_LICENCE[key] ?? '-',
      byKind,
    });
  }
  for (const generation of [2, 1] as const) {
    for (const policy of ['age-over-20', 'identity', 'entrance'] as const) {
      const card = new VirtualResidenceCard({ generation });
      const r = await readResidenceCard({
        transport: { transmit: async (c) => card.process(c) },
        policy,
        cardNumber: 'AB12345678CD',
        trust,
        crypto: nodeCrypto,
        at: AT,
        now,
      });
      const byKind: Record<string, number> = {};
      for (const l of card.log) byKind[kindOf(l.command)] = (byKind[kindOf(l.command)] ?? 0) + 1;
      out.push({
        document: `residence-card gen${generation}`,
        policy,
        secrets: 'card number',
        verdict: r.verdict,
        apdus: r.apdus.count,
        bytesSent: r.apdus.bytesOut,
        bytesReceived: r.apdus.bytesIn,
        spec_minimum_apdus: SPEC_RC[`gen${generation}/${policy}`] ?? '-',
        byKind,
      });
    }
  }
  for (const policy of ['identity', 'entrance'] as const) {
    const card = new VirtualMyNumberCard({ licenceAp: new VirtualMynaLicenceAp() });
    const r = await readMynaLicence({
      transport: { transmit: async (c) => card.process(c) },
      policy,
      pin: '2580',
      at: AT,
      now,
    });
    const byKind: Record<string, number> = {};
    for (const l of card.log) byKind[kindOf(l.command)] = (byKind[kindOf(l.command)] ?? 0) + 1;
    out.push({
      document: 'myna-licence (licence AP)',
      policy,
      secrets: 'licence PIN',
      verdict: r.verdict,
      apdus: r.apdus.count,
      bytesSent: r.apdus.bytesOut,
      bytesReceived: r.apdus.bytesIn,
      spec_minimum_apdus: '5 + headers to C5 + 1',
      byKind,
    });
  }
  return out;
}

async function main() {
  const figures = await measureDocumentApdus();
  console.log(
    'document                policy        secrets      verdict     APDUs  spec min              sent B  recv B  breakdown',
  );
  for (const f of figures) {
    console.log(
      `${f.document.padEnd(23)} ${f.policy.padEnd(13)} ${f.secrets.padEnd(12)} ${f.verdict.padEnd(11)} ${String(f.apdus).padStart(5)}  ${String(f.spec_minimum_apdus).padEnd(20)} ${String(f.bytesSent).padStart(6)} ${String(f.bytesReceived).padStart(7)}  ${Object.entries(
        f.byKind,
      )
        .map(([k, n]) => `${k}=${n}`)
        .join(' ')}`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
