// TRAINING: the licence, residence card and passport scenarios run the REAL readers (core/licence,
// core/residence-card, core/passport) against the virtual cards of sim/ in memory, with the
// project's TEST trust (resources/test-trust): the screens, prompts and the staff-confirmation flow
// are the real ones. Secrets for the training cards: licence PIN 1 1234, PIN 2 5678; residence card
// AB12345678CD; マイナ免許証 (the virtual My Number Card with the licence AP, read as a licence as a counter set to
// do so would) licence PIN 2580; passport MRZ TK1234567-1 / 900401-2 / 310401-3 (field-check digit), or for the
// French one (no trusted CSCA: unverified) 22AB12345-0 / 870723-5 / 330301-2 (sim/passport/holder.ts).
import { TEST_TRUST_DIR } from '../../project-root.ts';
import type { Policy } from '../../../core/policy/policy.ts';
import { readDrivingLicence } from '../../../core/licence/read-licence.ts';
import { readResidenceCard } from '../../../core/residence-card/read-residence-card.ts';
import { readMynaLicence } from '../../../core/myna-licence/read-myna-licence.ts';
import { VirtualMyNumberCard } from '../../../sim/card/virtual-card.ts';
import { VirtualMynaLicenceAp } from '../../../sim/licence/virtual-myna-licence-ap.ts';
import { CardNumberLimiter } from '../../../core/residence-card/rate-limit.ts';
import { CardError } from '../../../core/card/codes.ts';
import type { TrainingScenario } from '../../../api/contract.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { decodeImages } from '../../pcsc/read-document.ts';
import { loadDocumentTrust } from '../../trust/document-trust.ts';
import { VirtualLicence } from '../../../sim/licence/virtual-licence.ts';
import { VirtualResidenceCard } from '../../../sim/residence-card/virtual-residence-card.ts';
import { CardPulled } from '../../../sim/card/virtual-card.ts';
import type { ReadHooks, ReadOutcome } from '../reader.ts';
import { documentTransaction, type DocumentRead } from './document-card.ts';
import type { DocumentReadResult } from '../../../core/document/result.ts';
import { AccessRateLimit } from '../../../core/passport/access-rate-limit.ts';
import { PassportChannel } from '../../../core/passport/channel.ts';
import { readPassport } from '../../../core/passport/read-passport.ts';
import { decodeReadFace } from '../../passport/face-decode.ts';
import { loadTrustDir } from '../../trust/load-dir.ts';
import { HOLDER_PRESETS } from '../../../sim/passport/holder.ts';
import { VirtualPassport } from '../../../sim/passport/virtual-passport.ts';
import { passportTransaction } from './passport-card.ts';

const DOCUMENT_SCENARIOS = new Set<TrainingScenario>([
  'licence-ok',
  'licence-unverified',
  'residence-card-gen1',
  'residence-card-gen2',
  'passport-ok',
  'passport-unverified',
  'myna-licence',
]);
const limiter = new CardNumberLimiter();
const passportLimiter = new AccessRateLimit();

export function isDocumentScenario(s: TrainingScenario): boolean {
  return DOCUMENT_SCENARIOS.has(s);
}

/** A virtual card as an APDU transport in memory; a card that leaves the field is card_removed. */
export function memory(card: { process(c: Uint8Array): Uint8Array }) {
  return {
    async transmit(c: Uint8Array) {
      try {
        return card.process(c);
      } catch (e) {
        if (e instanceof CardPulled) throw new CardError('card_removed', 'training card pulled');
        throw e;
      }
    },
  };
}

export function trainingDocument(
  s: TrainingScenario,
  policy: Policy,
  signal: AbortSignal,
  hooks: ReadHooks,
): Promise<ReadOutcome> {
  const trust = loadDocumentTrust(TEST_TRUST_DIR, nodeCrypto);
  const now = () => performance.now();
  /** A licence or residence card transaction on a virtual card, fresh for every try. */
  const onCard = (
    kind: Parameters<typeof documentTransaction>[0]['kind'],
    card: VirtualLicence | VirtualResidenceCard | VirtualMyNumberCard,
    read: (transport: ReturnType<typeof memory>, secrets: Parameters<DocumentRead>[0]) => Promise<DocumentReadResult>,
  ) =>
    documentTransaction({
      kind,
      policy,
      signal,
      hooks,
      limiter,
      read: async (secrets) => {
        card.reset();
        const r = await read(memory(card), secrets);
        return { ...r, decoded: await decodeImages(r) };
      },
    });
  if (s === 'licence-ok' || s === 'licence-unverified') {
    const card = new VirtualLicence({ faults: s === 'licence-unverified' ? ['unknown-signer'] : [] });
    return onCard('driving-licence', card, (transport, secrets) =>
      readDrivingLicence({
        transport,
        policy: policy.name,
        secrets,
        signature: true,
        trust,
        crypto: nodeCrypto,
        at: new Date(),
        now,
      }),
    );
  }
  if (s === 'passport-ok' || s === 'passport-unverified') {
    const chip = new VirtualPassport(s === 'passport-unverified' ? { holder: HOLDER_PRESETS.france! } : {});
    return passportTransaction({
      policy,
      signal,
      hooks,
      limiter: passportLimiter,
      read: async (access) => {
        chip.reset();
        const at = new Date();
        const r = await readPassport({
          channel: new PassportChannel(memory(chip)),
          policy: policy.name,
          access,
          trust: loadTrustDir(TEST_TRUST_DIR, { crypto: nodeCrypto, now: at }),
          crypto: nodeCrypto,
          at,
          now,
        });
        return { ...r, decodedPhoto: await decodeReadFace(r) };
      },
    });
  }
  if (s === 'myna-licence') {
    const card = new VirtualMyNumberCard({ licenceAp: new VirtualMynaLicenceAp() });
    return onCard('myna-licence', card, (transport, secrets) =>
      readMynaLicence({
        transport,
        policy: policy.name,
        ...(secrets.pin1 !== undefined ? { pin: secrets.pin1 } : {}),
        at: new Date(),
        now,
      }),
    );
  }
  const card = new VirtualResidenceCard({ generation: s === 'residence-card-gen1' ? 1 : 2 });
  return onCard('residence-card', card, (transport, secrets) =>
    readResidenceCard({
      transport,
      policy: policy.name,
      cardNumber: secrets.cardNumber ?? '',
      trust,
      crypto: nodeCrypto,
      at: new Date(),
      now,
    }),
  );
}
