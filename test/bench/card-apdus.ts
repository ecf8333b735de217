// Card APDU benchmark: how many APDUs and bytes each policy costs on the My Number Card, per unlock
// path, and (where pcscd is reachable) how long a whole read takes through the real PC/SC stack.
// `measureCardApdus()` is imported by the bench runner; `node --import tsx test/bench/card-apdus.ts`
// prints the figures.
//
// Why no APDU is redundant (the plan is core/card/policy.ts; the sequence core/card/read-card.ts):
// - SELECT AP by AID (1 per AP): the only way to address an AP; never by ATR (spec "Transport").
// - SELECT PIN EF (1 per VERIFY): VERIFY acts on the selected EF (`00 20 00 80`, spec "Commands");
//   naming the key in P2 instead is refused by the guard, so 照合番号A can never be addressed.
// - VERIFY with no data (1 per VERIFY): the tries-left read the PIN-safety rule demands before every
//   VERIFY; it costs no try and is what lets us refuse at one try left.
// - VERIFY (1 per AP read): the card-face EF 0002 and the text AP EF 0002/0003/0007 are protected.
// - SELECT EF + ceil(object/256) READ BINARY per file: short APDUs only (Le <= 256, spec), and the
//   outer TLV header in the first chunk says exactly how many bytes to fetch, so filler is never read
//   and the last chunk asks for exactly the remainder.
// - Files: age-over-20 with 照合番号B reads only the card-face AP: EF 0002 carries the birth date
//   (verdict) and the photo (display) under one signature DF28, and EF 0004 is the CVC linking DF28's
//   key to the J-LIS key; the text AP is not touched. identity/entrance need the name as text, which
//   only the text AP has: EF 0002 (attributes), EF 0003 (DF32 hash + DF33 signature), EF 0004 (CVC),
//   EF 0007 (the chip key that internal authentication is checked against). The PIN path reads the
//   text AP only (the PIN does not open the card-face AP).
// - Internal authentication (1 per AP read): proves that AP's files come from the chip holding the
//   signed key, not from a copy. Each AP has its own key, and without the text AP's proof its files
//   could be copied from another card and paired with a genuine card face (the cross-AP birth date /
//   sex checks narrow but do not close that: the name could still be swapped).
// - The birth-date path (age-over-20 only) reads the card-face AP's EF 0001 (birth date, chip key,
//   DF13) and EF 0004, and authenticates the chip with the DF12 key: no photo, name or address.
// Not read, on purpose: EF 0001 (My Number) and EF 0005 (My Number image), 照合番号A; card-face EF 0001
// on the 照合番号B path (the birth-date record duplicates DF22); the JPKI AP unless --jpki-pin asks for it.
import { CardChannel } from '../../core/card/apdu.ts';
import { readMyNumberCard, type Unlock } from '../../core/card/read-card.ts';
import { POLICY_NAMES, type PolicyName } from '../../core/policy/policy.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { probePcscd } from '../../main/pcsc/pcscd-probe.ts';
import { readCardOverPcsc } from '../../main/pcsc/read-session.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { VpcdCard } from '../../sim/card/vpcd-link.ts';
import { checkNumberBOf, DEFAULT_HOLDER } from '../../sim/card/holder.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CardError } from '../../core/card/codes.ts';
import { CardPulled } from '../../sim/card/virtual-card.ts';
import { measureDocumentApdus, type DocumentApduFigure } from './document-apdus.ts';

const TRUST = join(import.meta.dirname, '..', '..', 'resources', 'test-trust');
const AT = new Date('2026-11-22T10:00:00+09:00');

export interface CardApduFigure {
  policy: PolicyName;
  unlock: 'check_number_b' | 'pin' | 'birth_date' | 'check_number_b+jpki';
  verdict: string;
  apdus: number;
  bytesSent: number;
  bytesReceived: number;
  /** APDUs by kind: select_ap, select_ef, tries, verify, read_binary, internal_auth. */
  byKind: Record<string, number>;
  /** Median wall time of a whole read through pcscd + vpcd (ms), when measured. */
  pcscdMs?: number;
}

function kindOf(hex: string): string {
  if (hex.startsWith('00a4040c')) return 'select_ap';
  if (hex.startsWith('00a4020c')) return 'select_ef';
  if (hex === '00200080') return 'tries';
  if (hex.startsWith('00200080')) return 'verify';
  if (hex.startsWith('00b0')) return 'read_binary';
  if (hex.startsWith('802a')) return 'sign';
  return 'other';
}

const unlocks: Array<[CardApduFigure['unlock'], Unlock, string | undefined]> = [
  ['check_number_b', { kind: 'check_number_b', digits: checkNumberBOf(DEFAULT_HOLDER) }, undefined],
  ['pin', { kind: 'pin', digits: DEFAULT_HOLDER.pin }, undefined],
  ['birth_date', { kind: 'birth_date', digits: checkNumberBOf(DEFAULT_HOLDER).slice(0, 6) }, undefined],
  [
    'check_number_b+jpki',
    { kind: 'check_number_b', digits: checkNumberBOf(DEFAULT_HOLDER) },
    DEFAULT_HOLDER.jpkiAuthPin,
  ],
];

export interface MeasureOptions {
  /** Also time whole reads through pcscd (needs a reachable pcscd with vpcd on 35963). */
  pcscd?: boolean;
  runs?: number;
}

export async function measureCardApdus(
  opts: MeasureOptions = {},
): Promise<{ figures: CardApduFigure[]; pcscdNote: string | null; documents: DocumentApduFigure[] }> {
  const trust = loadTrustDir(TRUST, { crypto: nodeCrypto, now: AT });
  const figures: CardApduFigure[] = [];
  for (const policy of POLICY_NAMES) {
    for (const [name, unlock, jpkiPin] of unlocks) {
      if (name === 'birth_date' && policy !== 'age-over-20') continue; // the birth-date record answers age checks only
      const card = new VirtualMyNumberCard();
      const channel = new CardChannel({
        async transmit(c) {
          try {
            return card.process(c);
          } catch (e) {
            if (e instanceof CardPulled) throw new CardError('card_removed');
            throw e;
          }
        },
      });
      const r = await readMyNumberCard({
        channel,
        policy,
        unlock,
        trust,
        crypto: nodeCrypto,
        at: AT,
        now: () => performance.now(),
        ...(jpkiPin ? { jpkiPin } : {}),
      });
      const byKind: Record<string, number> = {};
      for (const l of card.log) byKind[kindOf(l.command)] = (byKind[kindOf(l.command)] ?? 0) + 1;
      figures.push({
        policy,
        unlock: name,
        verdict: r.verdict,
        apdus: r.apdus.count,
        bytesSent: r.apdus.bytesOut,
        bytesReceived: r.apdus.bytesIn,
        byKind,
      });
    }
  }
  let pcscdNote: string | null = null;
  if (opts.pcscd) {
    const probe = await probePcscd();
    if (!probe.ok) pcscdNote = `pcscd not reachable (${probe.reason}): read times through PC/SC not measured`;
    else {
      for (const f of figures) {
        if (f.unlock === 'check_number_b+jpki') continue;
        const times: number[] = [];
        const unlock = unlocks.find((u) => u[0] === f.unlock)![1];
        for (let i = 0; i < (opts.runs ?? 5); i++) {
          const card = new VirtualMyNumberCard();
          const link = new VpcdCard(card, 35963);
          const t = performance.now();
          const r = await readCardOverPcsc({
            reader: 'Virtual PCD 00 00',
            policy: f.policy,
            unlock,
            trust,
            crypto: nodeCrypto,
            at: AT,
            insertCard: () => link.insert(),
          });
          // Time of the card transaction proper: from the first APDU to the verdict (connect and the
          // simulator's insertion excluded; photo decoding reported apart).
          const read = (r.timings.text_ap_ms ?? 0) + (r.timings.card_face_ap_ms ?? 0) + (r.timings.verify_ms ?? 0);
          times.push(read);
          void t;
          await link.remove();
          if (r.verdict !== 'valid')
            throw new Error(`bench read ${f.policy}/${f.unlock} was ${r.verdict}: ${JSON.stringify(r.errors)}`);
        }
        times.sort((a, b) => a - b);
        f.pcscdMs = Math.round(times[Math.floor(times.length / 2)]! * 10) / 10;
      }
    }
  }
  // The driving licence and the residence card, per policy, with the spec's minimum beside them.
  return { figures, pcscdNote, documents: await measureDocumentApdus() };
}

async function main() {
  const { figures, pcscdNote } = await measureCardApdus({ pcscd: true });
  console.log(
    'My Number Card APDUs per policy (virtual card, default holder, photo %d bytes)',
    new VirtualMyNumberCard().aps.face.files.files.get(2)!.length,
  );
  console.log('policy        unlock               verdict  APDUs  sent B  recv B  read via pcscd  breakdown');
  for (const f of figures) {
    console.log(
      `${f.policy.padEnd(13)} ${f.unlock.padEnd(20)} ${f.verdict.padEnd(8)} ${String(f.apdus).padStart(5)} ${String(f.bytesSent).padStart(7)} ${String(f.bytesReceived).padStart(7)}  ${(f.pcscdMs !== undefined ? `${f.pcscdMs} ms` : '-').padStart(14)}  ${Object.entries(
        f.byKind,
      )
        .map(([k, n]) => `${k}=${n}`)
        .join(' ')}`,
    );
  }
  if (pcscdNote) console.log(`# ${pcscdNote}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
