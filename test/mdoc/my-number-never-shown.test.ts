// The My Number (個人番号) is never printed, returned or shown, whatever the policy, the request or
// the wallet: a response made by a peer library (@auth0/mdl: its issuer signed the element, so the
// digest checks pass) that carries individual_number_unicode goes through every output path:
// core verification, `kakunin verify-response` (JSON and human, a real process), read-mdoc's JSON,
// and the kiosk (its outcome, the API snapshot the screen renders, the audit entry). The request
// encoder takes only elements on the per-docType allow-list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import {
  DOCTYPE_MDL,
  DOCTYPE_MNC,
  ForbiddenElementError,
  NotRequestableError,
  REQUESTABLE_ELEMENTS,
  encodeDeviceRequest,
  isForbiddenElement,
  policyElements,
  SUPPORTED_DOCTYPES,
} from '../../core/mdoc/request/index.ts';
import { POLICY_NAMES } from '../../core/policy/policy.ts';
import { responseResultToJson } from '../../main/cli/json-output.ts';
import { readMdoc } from '../../main/mdoc-reader/read-mdoc.ts';
import { SimWorld } from '../../main/mdoc-reader/simulate.ts';
import { ApiSession } from '../../main/host/api-handler.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { PhoneReader } from '../../main/host/readers/mdoc.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { StaffAuth } from '../../main/host/staff-auth.ts';
import { DirTrustService } from '../../main/host/trust.ts';
import { PROFILES, VirtualWallet } from '../../sim/wallet/holder.ts';
import { auth0Credential, auth0Response } from '../support/auth0-issuer.ts';
import { deps } from '../read-mdoc/support.ts';

const TRUST_DIR = new URL('../../resources/test-trust', import.meta.url).pathname;
const trust = loadTrustDir(TRUST_DIR, { crypto: nodeCrypto });
const cli = join(import.meta.dirname, '..', '..', 'main', 'cli', 'kakunin.mjs');

// A made-up number in the My Number shape (12 digits); what must never come out.
const MY_NUMBER = '918273645506';
const NS = 'org.iso.23220.1';
const NS_JP = 'org.iso.23220.1.jp';

/** A jp.mnc document that carries the number (and look-alikes elsewhere), issued by @auth0/mdl. */
const MNC_WITH_NUMBER = {
  docType: DOCTYPE_MNC,
  nameSpaces: {
    [NS]: { age_over_20: true, birth_date: '1990-04-01', sex: 2, my_number: MY_NUMBER },
    [NS_JP]: {
      full_name_unicode: '山田 花子',
      resident_address_unicode: '東京都千代田区1-1',
      individual_number_unicode: MY_NUMBER,
      'Kojin-Bango': MY_NUMBER,
      // A structured value hiding it one level down.
      local_gov_code_unicode: { code: '131016', individual_number: MY_NUMBER },
      portrait: new Uint8Array(64).fill(7),
    },
  },
};
const ALL = {
  [NS]: Object.keys(MNC_WITH_NUMBER.nameSpaces[NS]),
  [NS_JP]: Object.keys(MNC_WITH_NUMBER.nameSpaces[NS_JP]),
};

function assertNoNumber(text: string, where: string): void {
  assert.ok(!text.includes(MY_NUMBER), `${where}: the number is printed`);
  assert.ok(
    !/individual_?number|my_?number|kojin/i.test(text.replace(/my_number_withheld|may carry the My Number/g, '')),
    `${where}: a My Number element name is printed`,
  );
}

test('verification drops every My-Number element (by name, any namespace, nested too) even when the request names them; the rest is shown', async () => {
  const { response, transcript, reader } = await auth0Response({ ...MNC_WITH_NUMBER, ask: ALL }, 'P-256', 'signature');
  assert.ok(
    Buffer.from(response).includes(Buffer.from(MY_NUMBER)),
    'the peer library did put the number in the response',
  );
  for (const request of [undefined, { [DOCTYPE_MNC]: ALL }]) {
    const r = verifyDeviceResponse(response, {
      crypto: nodeCrypto,
      trust,
      now: new Date(),
      transcript,
      readerPrivateKey: reader.privateKey,
      ...(request ? { request } : {}),
    });
    assert.equal(r.verdict, 'valid', JSON.stringify(r.errors));
    const d = r.documents[0]!;
    assert.equal(d.withheld, 3, 'individual_number_unicode, my_number, Kojin-Bango');
    assert.deepEqual(Object.keys(d.elements[NS_JP]!).sort(), [
      'full_name_unicode',
      'local_gov_code_unicode',
      'portrait',
      'resident_address_unicode',
    ]);
    assert.deepEqual(Object.keys(d.elements[NS]!).sort(), ['age_over_20', 'birth_date', 'sex']);
    assert.ok(r.warnings.some((w) => w.code === 'my_number_withheld'));
    assertNoNumber(JSON.stringify(responseResultToJson(r)), 'read-mdoc / verify-response JSON');
  }
});

test('`kakunin verify-response` (a real process) never prints it, in JSON or in the human summary', async () => {
  const { response, transcript, reader } = await auth0Response({ ...MNC_WITH_NUMBER, ask: ALL }, 'P-384', 'mac');
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-mynumber-'));
  try {
    writeFileSync(join(dir, 'response.cbor'), response);
    writeFileSync(join(dir, 'transcript.cbor'), transcript.bytes);
    const key = Buffer.from(reader.privateKey).toString('hex');
    const args = [
      'verify-response',
      '--response',
      join(dir, 'response.cbor'),
      '--transcript',
      join(dir, 'transcript.cbor'),
      '--trust',
      TRUST_DIR,
      '--reader-key',
      key,
    ];
    const json = spawnSync(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.equal(out.verdict, 'valid');
    assert.equal(out.documents[0].elements[NS_JP].full_name_unicode, '山田 花子', 'what may be shown is shown');
    assert.deepEqual(out.documents[0].elements[NS_JP].local_gov_code_unicode, { code: '131016' });
    assertNoNumber(json.stdout + json.stderr, 'verify-response --json');
    const human = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /full_name_unicode/);
    assertNoNumber(human.stdout + human.stderr, 'verify-response');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A wallet holding auth0's document that answers with everything it holds, whatever was asked. */
async function oversharingWallet(): Promise<VirtualWallet> {
  return new VirtualWallet({
    profile: PROFILES.generic,
    credential: await auth0Credential(DOCTYPE_MNC, MNC_WITH_NUMBER.nameSpaces),
    overshare: true,
    crypto: nodeCrypto,
  });
}

test("read-mdoc over a live session (QR + BLE): an oversharing wallet's number is not in the result or its JSON", async () => {
  const world = new SimWorld();
  try {
    const wallet = await oversharingWallet();
    const tx = world.qrTransaction(wallet);
    const out = await readMdoc({ policy: 'identity', engage: tx.engage }, deps(world));
    await tx.walletDone;
    assert.equal(out.result.verdict, 'valid', JSON.stringify(out.result.errors));
    const d = out.result.documents[0]!;
    assert.equal(d.withheld, 3);
    assert.equal(d.elements[NS_JP]?.full_name_unicode, '山田 花子');
    assertNoNumber(JSON.stringify(responseResultToJson(out.result)), 'read-mdoc JSON');
  } finally {
    world.shutdown();
  }
});

test('the kiosk (identity policy, the most it ever shows): the verdict, the API snapshot the screen renders and the audit entry hold no My Number', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-mynumber-kiosk-'));
  const world = new SimWorld();
  const trustDir = join(home, 'trust');
  mkdirSync(trustDir);
  cpSync(TRUST_DIR, trustDir, { recursive: true });
  const settings = new SettingsStore(join(home, 'settings.json'));
  settings.update({ mode: 'identity' });
  const audit = new MemoryAuditSink();
  const reader = new PhoneReader({
    ble: world.reader,
    trustDir,
    label: 'phone',
    timeouts: { engagementMs: 5000, connectMs: 4000, responseMs: 4000 },
  });
  const host = new KioskHost({ readers: [reader], settings, audit });
  const session = new ApiSession({ host, trust: new DirTrustService(trustDir), staff: new StaffAuth({ home }) });
  const pushed: string[] = [];
  host.subscribe((s) => pushed.push(JSON.stringify(s)));
  host.start();
  try {
    await host.whenIdle();
    const wallet = await oversharingWallet();
    const tx = world.qrTransaction(wallet);
    const verdict = new Promise<string>((res) =>
      host.onOutcome((o) => res(JSON.stringify({ outcome: o.outcome, screen: o.screen }))),
    );
    assert.ok(reader.acceptEngagement(tx.text));
    const seen = await verdict;
    await tx.walletDone.catch(() => undefined);
    const snap = await session.handle('getSnapshot', {});
    assert.ok(snap.ok);
    const screen = (
      snap.value as { screen: { screen: string; verdict?: string; attributes?: Record<string, unknown> } }
    ).screen;
    assert.equal(screen.screen, 'verdict');
    assert.equal(screen.verdict, 'valid');
    assert.equal(screen.attributes?.name, '山田 花子', "the policy's attributes are shown");
    assertNoNumber(seen, 'host outcome');
    assertNoNumber(JSON.stringify(snap.value), 'API snapshot');
    for (const p of pushed) assertNoNumber(p, 'pushed snapshot');
    assert.equal(audit.entries.length, 1);
    assertNoNumber(JSON.stringify(audit.entries), 'audit entry');
  } finally {
    await host.stop();
    world.shutdown();
    rmSync(home, { recursive: true, force: true });
  }
});

test('the request encoder takes only allow-listed elements per docType; My Number names are refused first', () => {
  const req = (docType: string, namespace: string, element: string) => () =>
    encodeDeviceRequest([{ docType, intentToRetain: false, elements: [{ namespace, element }] }]);
  for (const name of [
    'individual_number_unicode',
    'individual_number',
    'my_number',
    'MyNumber',
    'Kojin-Bango',
    'ＩＮＤＩＶＩＤＵＡＬ＿ＮＵＭＢＥＲ',
    '個人番号',
    'マイナンバー',
  ]) {
    assert.ok(isForbiddenElement(name), name);
    assert.throws(req(DOCTYPE_MNC, NS_JP, name), ForbiddenElementError, name);
    assert.throws(req(DOCTYPE_MDL, 'org.iso.18013.5.1', name), ForbiddenElementError, name);
  }
  for (const name of ['full_name_unicode', 'age_over_20', 'portrait', 'document_number', 'resident_address_unicode'])
    assert.equal(isForbiddenElement(name), false, name);
  // Not forbidden, but not on the list: refused too (document numbers, other docTypes, wrong namespace).
  assert.throws(req(DOCTYPE_MDL, 'org.iso.18013.5.1', 'document_number'), NotRequestableError);
  assert.throws(req(DOCTYPE_MNC, NS, 'full_name_unicode'), NotRequestableError, 'right name, wrong namespace');
  assert.throws(req('org.example.other', NS, 'age_over_20'), NotRequestableError);
  assert.throws(req(DOCTYPE_MNC, '__proto__', 'age_over_20'), NotRequestableError);
  // Every policy's elements are on the list, and the list holds no My Number name.
  for (const p of POLICY_NAMES)
    for (const dt of SUPPORTED_DOCTYPES)
      for (const e of policyElements(p, dt))
        assert.ok(REQUESTABLE_ELEMENTS[dt]![e.namespace]!.includes(e.element), `${p} ${dt} ${e.element}`);
  for (const nss of Object.values(REQUESTABLE_ELEMENTS))
    for (const els of Object.values(nss)) for (const e of els) assert.equal(isForbiddenElement(e), false, e);
});
