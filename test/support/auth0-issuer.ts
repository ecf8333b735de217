// Documents made by an independent library, @auth0/mdl (its issuer and holder code: MSO, items,
// issuer signature, device signature / MAC), under the project's test PKI so chains end in
// resources/test-trust. Shared by the interoperability tests and the My Number tests.
import { generateKeyPairSync } from 'node:crypto';
import { Document, DeviceResponse, MDoc } from '@auth0/mdl';
import { decodeCbor, EmbeddedCbor, type CborMap, type CborValue } from '../../core/cbor/index.ts';
import { MDOC_CBOR } from '../../core/mdoc/device-response.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { testSessionTranscript, type Credential, type IssuedItem } from '../../sim/mdoc/issuer.ts';
import { testDocumentSigner } from '../../sim/pki/test-pki.ts';

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

export type NameSpaces = Record<string, Record<string, unknown>>;

export function dsJwk(curve: 'P-256' | 'P-384') {
  const ds = testDocumentSigner(curve === 'P-256' ? 'p256' : 'p384');
  const n = curve === 'P-256' ? 32 : 48;
  const jwk = {
    kty: 'EC',
    crv: curve,
    d: b64u(ds.privateKey),
    x: b64u(ds.publicKey.subarray(1, 1 + n)),
    y: b64u(ds.publicKey.subarray(1 + n)),
  };
  return { ds, jwk };
}

/** An issued mdoc (MDoc CBOR) from auth0's issuer, with the device key pair it names. */
async function auth0Issue(docType: string, nameSpaces: NameSpaces, curve: 'P-256' | 'P-384') {
  const { ds, jwk } = dsJwk(curve);
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = new Date();
  let doc = new Document(docType)
    .useDigestAlgorithm('SHA-256')
    .addValidityInfo({ signed: now, validFrom: now, validUntil: new Date(now.getTime() + 86_400_000) });
  for (const [ns, values] of Object.entries(nameSpaces)) doc = doc.addIssuerNameSpace(ns, values);
  const issued = await doc.addDeviceKeyInfo({ deviceKey: device.publicKey.export({ format: 'jwk' }) as never }).sign({
    issuerPrivateKey: jwk as never,
    issuerCertificate: ds.certificate,
    alg: curve === 'P-256' ? 'ES256' : 'ES384',
  });
  return { mdoc: new MDoc([issued]).encode(), device, ds };
}

/** The presentation definition both peer libraries take: these elements, limit disclosure, no retention. */
export function presentationDefinition(docType: string, ask: Record<string, readonly string[]>) {
  return {
    id: 'kakunin-interop',
    input_descriptors: [
      {
        id: docType,
        format: { mso_mdoc: { alg: ['ES256', 'ES384'] } },
        constraints: {
          limit_disclosure: 'required' as const,
          fields: Object.entries(ask).flatMap(([ns, els]) =>
            els.map((e) => ({ path: [`$['${ns}']['${e}']`], intent_to_retain: false })),
          ),
        },
      },
    ],
  };
}

/**
 * A whole DeviceResponse from auth0 (issuer and holder), for elements `ask` ({ns: [element]}),
 * authenticated with a device signature or MAC over a fresh test SessionTranscript.
 */
export async function auth0Response(
  c: { docType: string; nameSpaces: NameSpaces; ask: Record<string, readonly string[]> },
  curve: 'P-256' | 'P-384',
  mode: 'signature' | 'mac',
) {
  const { mdoc, device } = await auth0Issue(c.docType, c.nameSpaces, curve);
  const reader = nodeCrypto.generateEcKey('P-256');
  const transcript = testSessionTranscript(reader.publicKey, 'P-256', nodeCrypto);
  const pd = presentationDefinition(c.docType, c.ask);
  let builder = DeviceResponse.from(mdoc)
    .usingPresentationDefinition(pd)
    .usingSessionTranscriptBytes(Buffer.from(transcript.bytes));
  const devicePriv = device.privateKey.export({ format: 'jwk' });
  if (mode === 'signature') builder = builder.authenticateWithSignature(devicePriv as never, 'ES256');
  else {
    // auth0 takes the reader's ephemeral public key as a COSE_Key.
    const { encodeCbor } = await import('../../core/cbor/encode.ts');
    const { ecPublicCoseKey } = await import('../../core/cose/key.ts');
    builder = builder.authenticateWithMAC(
      devicePriv as never,
      encodeCbor(ecPublicCoseKey('P-256', reader.publicKey)),
      'HS256',
    );
  }
  const response = (await builder.sign()).encode();
  return { response: new Uint8Array(response), transcript, reader };
}

/**
 * auth0's issued document (its MSO, items and issuer signature, bytes untouched) as a credential
 * the virtual wallet (sim/wallet) can hold and present in a live session.
 */
export async function auth0Credential(docType: string, nameSpaces: NameSpaces): Promise<Credential> {
  const { mdoc, device, ds } = await auth0Issue(docType, nameSpaces, 'P-256');
  const top = decodeCbor(new Uint8Array(mdoc), MDOC_CBOR) as CborMap;
  const d = (top.get('documents') as CborMap[])[0]!;
  const issuerSigned = d.get('issuerSigned') as CborMap;
  const items: IssuedItem[] = [];
  for (const [ns, list] of issuerSigned.get('nameSpaces') as CborMap) {
    for (const bytes of list as EmbeddedCbor[]) {
      const item = bytes.decode() as CborMap;
      items.push({
        ns: ns as string,
        elementIdentifier: item.get('elementIdentifier') as string,
        digestID: Number(item.get('digestID')),
        bytes,
      });
    }
  }
  const issuerAuth = issuerSigned.get('issuerAuth') as CborValue[];
  const mso = (decodeCbor(issuerAuth[2] as Uint8Array, MDOC_CBOR) as EmbeddedCbor).decode() as CborMap;
  const jwk = device.privateKey.export({ format: 'jwk' }) as { d: string; x: string; y: string };
  const pub = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  return {
    docType,
    items,
    issuerAuth,
    deviceKey: {
      curve: 'P-256',
      privateKey: new Uint8Array(Buffer.from(jwk.d, 'base64url')),
      publicKey: new Uint8Array(pub),
    },
    signer: ds,
    mso,
  };
}
