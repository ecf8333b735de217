// Reader authentication (ISO 18013-5 §9.1.4): ReaderAuthenticationBytes against Annex D (its
// DeviceRequest carries a readerAuth made by someone else), our readerAuth verified by an
// independent library (@owf/mdoc, the successor of @animo-id/mdoc: it rebuilds ReaderAuthentication
// and the Sig_structure itself; only the ECDSA primitive is given from node:crypto), and the
// virtual wallet refusing each kind of bad readerAuth in a whole session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { Holder, type MdocContext, type VerificationAssessment } from '@owf/mdoc';
import { decodeCbor, EmbeddedCbor, type CborMap } from '../../core/cbor/index.ts';
import {
  deviceRequestForPolicy,
  readerAuthenticationBytes,
  signReaderAuth,
  verifyReaderAuth,
} from '../../core/mdoc/request/index.ts';
import { parseCertificate } from '../../core/x509/certificate.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { testReaderCa, testReaderCertificate, type ReaderCertificate } from '../../sim/pki/reader-auth-pki.ts';
import { checkReaderAuth } from '../../sim/wallet/reader-auth-check.ts';
import { readMdoc } from '../../main/mdoc-reader/read-mdoc.ts';
import { SimWorld } from '../../main/mdoc-reader/simulate.ts';
import { VirtualWallet } from '../../sim/wallet/holder.ts';
import { nodeTimers } from '../../main/ble/stacks.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import type { ReaderAuthSigner } from '../../main/trust/reader-auth.ts';
import { annexD as annexDFile } from '../support/reference-files.ts';

const annexD = annexDFile().values;
const h = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('ReaderAuthenticationBytes known answer (Annex D): bytes from the clause text, and the Annex D readerAuth verifies over them', () => {
  const req = decodeCbor(h(annexD.device_request)) as CborMap;
  const dr = (req.get('docRequests') as CborMap[])[0]!;
  const items = dr.get('itemsRequest') as EmbeddedCbor;
  const transcript = decodeCbor(h(annexD.session_transcript_bytes)) as EmbeddedCbor;
  // From the clause: #6.24(bstr .cbor ["ReaderAuthentication", SessionTranscript, ItemsRequestBytes]).
  // array(3) = 83; "ReaderAuthentication" = text(20) = 74 + ASCII; the transcript array as encoded
  // (content of SessionTranscriptBytes); ItemsRequestBytes = d8 18 <bstr> as in the DocRequest.
  const content =
    '83' +
    '74' +
    Buffer.from('ReaderAuthentication').toString('hex') +
    hex(transcript.content) +
    'd818' +
    bstrHead(annexD.items_request.length / 2) +
    annexD.items_request;
  const expected = 'd818' + bstrHead(content.length / 2) + content;
  const ours = readerAuthenticationBytes({ content: transcript.content }, items);
  assert.equal(hex(ours), expected);
  // The Annex D signer's signature holds over exactly these bytes: Sig_structure written out by hand.
  const ra = dr.get('readerAuth') as [Uint8Array, CborMap, null, Uint8Array];
  assert.equal(ra[2], null, 'detached payload');
  const sigStructure =
    '84' +
    '6a' +
    Buffer.from('Signature1').toString('hex') +
    '43' +
    hex(ra[0]) +
    '40' +
    '59' +
    (expected.length / 2).toString(16).padStart(4, '0') +
    expected;
  const key = new X509Certificate(Buffer.from(annexD.reader_cert, 'hex')).publicKey;
  assert.equal(
    nodeVerify('sha256', Buffer.from(sigStructure, 'hex'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(ra[3])),
    true,
  );
  // And our verifier agrees; one flipped transcript byte breaks it.
  const cert = parseCertificate(h(annexD.reader_cert));
  assert.equal(verifyReaderAuth(nodeCrypto, ra, cert.publicKey, { content: transcript.content }, items).ok, true);
  const bent = transcript.content.slice();
  bent[bent.length - 1]! ^= 1;
  assert.equal(verifyReaderAuth(nodeCrypto, ra, cert.publicKey, { content: bent }, items).ok, false);
});

function bstrHead(n: number): string {
  if (n < 24) return (0x40 | n).toString(16);
  if (n < 256) return '58' + n.toString(16).padStart(2, '0');
  return '59' + n.toString(16).padStart(4, '0');
}

function signerFor(
  r: ReaderCertificate,
  o: { key?: Uint8Array; transcriptOverride?: Uint8Array } = {},
): ReaderAuthSigner {
  return {
    subject: 'CN=test',
    fingerprint: '0'.repeat(64),
    sign: (transcript, items) =>
      signReaderAuth(
        nodeCrypto,
        { curve: 'P-256', privateKey: o.key ?? r.key.privateKey, x5chain: [r.der] },
        o.transcriptOverride ? { content: o.transcriptOverride } : transcript,
        items,
      ),
  };
}

test('our DeviceRequest with readerAuth verifies in @owf/mdoc (independent ReaderAuthentication and Sig_structure); a wrong transcript fails there too', async () => {
  const r = testReaderCertificate();
  const transcript = decodeCbor(h(annexD.session_transcript_bytes)) as EmbeddedCbor;
  const signer = signerFor(r);
  const request = deviceRequestForPolicy('identity', undefined, {
    sign: (items) => signer.sign({ content: transcript.content }, items),
  });
  const ctx = {
    cose: {
      sign1: {
        // The library hands over its own toBeSigned (with its own ReaderAuthenticationBytes as the
        // detached payload) and the certificate from x5chain; only the ECDSA check is ours to give.
        verify: ({ sign1 }: { sign1: { toBeSigned: Uint8Array; certificate: Uint8Array; signature: Uint8Array } }) =>
          nodeVerify(
            'sha256',
            sign1.toBeSigned,
            {
              key: createPublicKey(
                new X509Certificate(Buffer.from(sign1.certificate)).publicKey.export({ format: 'pem', type: 'spki' }),
              ),
              dsaEncoding: 'ieee-p1363',
            },
            sign1.signature,
          ),
      },
    },
    x509: { getPublicKey: () => ({}) },
  } as unknown as Pick<MdocContext, 'cose' | 'x509'>;
  const run = async (st: Uint8Array) => {
    const seen: VerificationAssessment[] = [];
    await Holder.verifyDeviceRequest(
      { deviceRequest: request, sessionTranscript: st, verificationCallback: (a) => seen.push(a) },
      ctx,
    );
    return seen;
  };
  const ok = await run(h(annexD.session_transcript_bytes));
  assert.equal(ok.length, 2, 'one readerAuth per DocRequest (My Number Card and mDL)');
  assert.ok(
    ok.every((a) => a.category === 'READER_AUTH' && a.status === 'PASSED'),
    JSON.stringify(ok),
  );
  // Another session's transcript (same shape, one Handover Select byte changed): it decodes fine in
  // the library, and the same readerAuth no longer verifies there.
  const arr = transcript.decode() as [EmbeddedCbor, EmbeddedCbor, [Uint8Array, null]];
  const hs = arr[2][0].slice();
  hs[hs.length - 1]! ^= 1;
  const other = EmbeddedCbor.wrap([arr[0], arr[1], [hs, null]]).raw;
  const bad = await run(other);
  assert.equal(bad.length, 2);
  assert.ok(
    bad.every((a) => a.status === 'FAILED'),
    JSON.stringify(bad),
  );
});

test('the wallet-side check (written from the clause) accepts our readerAuth and names each failure', () => {
  const r = testReaderCertificate();
  const transcript = decodeCbor(h(annexD.session_transcript_bytes)) as EmbeddedCbor;
  const tv = transcript.decode() as unknown[];
  const items = EmbeddedCbor.wrap(
    new Map<any, any>([
      ['docType', 'org.iso.18013.5.1.mDL'],
      ['nameSpaces', new Map([['org.iso.18013.5.1', new Map([['age_over_20', false]])]])],
    ]),
  );
  const at = new Date('2026-11-22T00:00:00Z');
  const check = (ra: unknown, root = testReaderCa().der, now = at) =>
    checkReaderAuth({
      crypto: nodeCrypto,
      readerAuth: ra as never,
      transcript: tv as never,
      itemsRequest: items,
      readerRoot: root,
      now,
    });
  assert.deepEqual(check(signerFor(r).sign({ content: transcript.content }, items)), {
    ok: true,
    subjectCn: 'Kakunin Test Reader good',
  });
  assert.deepEqual(
    check(
      signerFor(r, { key: testReaderCertificate('expired').key.privateKey }).sign(
        { content: transcript.content },
        items,
      ),
    ),
    { ok: false, reason: 'bad-signature' },
  );
  assert.deepEqual(
    check(
      signerFor(r, { transcriptOverride: EmbeddedCbor.wrap([1, 2, 3]).content }).sign(
        { content: transcript.content },
        items,
      ),
    ),
    { ok: false, reason: 'bad-signature' },
  );
  assert.deepEqual(check(signerFor(testReaderCertificate('expired')).sign({ content: transcript.content }, items)), {
    ok: false,
    reason: 'expired',
  });
  assert.deepEqual(check(signerFor(testReaderCertificate('other-ca')).sign({ content: transcript.content }, items)), {
    ok: false,
    reason: 'untrusted-chain',
  });
  assert.deepEqual(check(signerFor(testReaderCertificate('wrong-eku')).sign({ content: transcript.content }, items)), {
    ok: false,
    reason: 'wrong-eku',
  });
  assert.deepEqual(check(undefined), { ok: false, reason: 'missing' });
});

// ---- whole sessions: the kiosk's readMdoc against the virtual wallet given the reader root ----------

const TRUST = loadTrustDir(new URL('../../resources/test-trust', import.meta.url).pathname, { crypto: nodeCrypto });

async function session(signer: ReaderAuthSigner | undefined, walletNow = new Date()) {
  const world = new SimWorld();
  const wallet = new VirtualWallet({ crypto: nodeCrypto, now: walletNow, readerRoot: testReaderCa().der });
  try {
    const tx = world.qrTransaction(wallet);
    const out = await readMdoc(
      { policy: 'age-over-20', engage: tx.engage },
      {
        crypto: nodeCrypto,
        trust: TRUST,
        now: () => new Date(),
        timers: nodeTimers,
        ble: world.reader,
        timeouts: { connectMs: 5000, responseMs: 5000 },
        ...(signer ? { readerAuth: signer } : {}),
      },
    );
    return { out, wallet };
  } finally {
    world.shutdown();
  }
}

test('session: a good readerAuth is verified by the wallet and the read is valid; transport.readerAuth is true', async () => {
  const { out, wallet } = await session(signerFor(testReaderCertificate()));
  assert.equal(out.result.verdict, 'valid', JSON.stringify(out.result.errors));
  assert.equal(out.transport.readerAuth, true);
  assert.deepEqual(wallet.readerAuthSeen, { ok: true, subjectCn: 'Kakunin Test Reader good' });
});

test('session: without a reader certificate nothing changes (no readerAuth, transport.readerAuth false, the wallet answers)', async () => {
  const { out, wallet } = await session(undefined);
  assert.equal(out.result.verdict, 'valid');
  assert.equal(out.transport.readerAuth, false);
  assert.equal(wallet.readerAuthSeen, 'none');
});

for (const [name, signer, reason] of [
  [
    'wrong key',
    signerFor(testReaderCertificate(), { key: testReaderCertificate('wrong-eku').key.privateKey }),
    'bad-signature',
  ],
  [
    'wrong transcript',
    signerFor(testReaderCertificate(), { transcriptOverride: EmbeddedCbor.wrap(['not', 'this', 'session']).content }),
    'bad-signature',
  ],
  ['expired certificate', signerFor(testReaderCertificate('expired')), 'expired'],
] as const) {
  test(`session: the wallet refuses a readerAuth with a ${name} (${reason}) and ends the session; the kiosk reports it, nothing is accepted`, async () => {
    const { out, wallet } = await session(signer);
    assert.equal(out.result.verdict, 'invalid');
    assert.match(out.result.errors[0]!.code, /^(transport_peer_terminated|session_terminated)$/);
    assert.ok(wallet.events.includes(`reader-auth-refused:${reason}`), wallet.events.join(' '));
  });
}
