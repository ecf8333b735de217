// Check codes are typed per domain (core/check.ts): a misspelt code does not compile. The lines
// marked with ts-expect-error below are checked by `npm run typecheck` (part of `npm test`): if a
// misspelling ever compiled again, the unused directive would itself be a type error. The test named
// "the compiler rejects ..." asks the TypeScript compiler the same question at run time, so the file
// also fails under `node test/run.mjs` alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ts from 'typescript';
import { CARD_CHECKS, failCheck, passCheck } from '../../core/card/codes.ts';
import { MDOC_CODES } from '../../core/mdoc/codes.ts';
import { fail, pass } from '../../core/mdoc/verify/check-list.ts';
import { X509_CODES, fail as x509Fail, pass as x509Pass } from '../../core/x509/codes.ts';
import {
  RESIDENCE_CARD_CHECKS,
  failCheck as residenceFail,
  passCheck as residencePass,
  type ResidenceCardCheckCode,
} from '../../core/residence-card/codes.ts';
import { LICENCE_CHECKS, failCheck as licenceFail, passCheck as licencePass } from '../../core/licence/codes.ts';
import { PASSPORT_CHECKS, failCheck as passportFail, passCheck as passportPass } from '../../core/passport/codes.ts';
import { TRUST_ISSUES } from '../../core/trust/codes.ts';
import type { TrustIssue } from '../../core/trust/trust-store.ts';
import type { DocumentFindings } from '../../core/document/result.ts';

test('misspelt check codes do not type-check: mdoc, x509, card', () => {
  // @ts-expect-error 'digest_missmatch' is not an MdocCheckCode
  const a = pass('digest_missmatch');
  // @ts-expect-error 'mso_expird' is not an MdocCheckCode
  const b = fail('mso_expird', 'valid until yesterday');
  // @ts-expect-error 'ds_expird' is not an X509CheckCode
  const c = x509Fail('ds_expird', 'expired');
  // @ts-expect-error an mdoc-only code is not an X509CheckCode either
  const d = x509Pass('digest_mismatch');
  // @ts-expect-error 'card_face.expiry_' is not a CardCheckCode
  const e = passCheck('card_face.expiry_');
  // The right spellings compile, and the builders keep what they were given.
  const good = [
    pass('digest_mismatch'),
    fail('mso_expired', 'x'),
    x509Pass('ds_expired'),
    failCheck('card_face.expiry', 'y'),
  ];
  assert.deepEqual(
    good.map((g) => [g.code, g.ok]),
    [
      ['digest_mismatch', true],
      ['mso_expired', false],
      ['ds_expired', true],
      ['card_face.expiry', false],
    ],
  );
  assert.equal([a, b, c, d, e].length, 5);
});

test('misspelt codes do not type-check: residence card, licence, passport, document findings, trust', () => {
  // @ts-expect-error 'residence_card.signatur' is not a ResidenceCardCheckCode
  const a = residenceFail('residence_card.signatur', 'x');
  // @ts-expect-error a licence code is not a ResidenceCardCheckCode
  const b = residencePass('licence.expiry');
  // @ts-expect-error 'licence.expiry_mach' is not a LicenceCheckCode
  const c = licenceFail('licence.expiry_mach', 'x');
  // @ts-expect-error 'passport.dg3_hash' is not a PassportCheckCode (DG3 is never read)
  const d = passportPass('passport.dg3_hash');
  const f: DocumentFindings<ResidenceCardCheckCode> = { checks: [], staffConfirm: [], signerKeyIds: [] };
  // @ts-expect-error a findings list takes only its domain's codes, even as an object literal
  f.checks.push({ code: 'residence_card.expiri', ok: true });
  // @ts-expect-error 'root_expird' is not a TrustIssueCode
  const t: TrustIssue = { code: 'root_expird', detail: 'x' };
  const good = [
    residencePass('residence_card.certificate_chain'),
    licenceFail('licence.signature', 'y'),
    licencePass('licence.expiry'),
    passportPass('passport.dg15_hash'),
    passportFail('policy.age_over_20', 'z'),
  ];
  const issue: TrustIssue = { code: 'root_expiring', detail: 'soon' };
  const profile: TrustIssue = { code: 'iaca_profile_invalid', detail: 'a root keeps its X.509 check code' };
  assert.deepEqual(
    [...good.map((g) => [g.code, g.ok]), [issue.code, true], [profile.code, true]],
    [
      ['residence_card.certificate_chain', true],
      ['licence.signature', false],
      ['licence.expiry', true],
      ['passport.dg15_hash', true],
      ['policy.age_over_20', false],
      ['root_expiring', true],
      ['iaca_profile_invalid', true],
    ],
  );
  assert.equal([a, b, c, d, f, t].length, 6);
});

test('the compiler rejects a misspelt code (TS2345; TS2820 for a trust issue) and accepts the right one, for each domain', () => {
  const dir = join(import.meta.dirname);
  const virtual = join(dir, '__typed_codes_probe__.ts');
  const lines = [
    "import { pass } from '../../core/mdoc/verify/check-list.ts';",
    "import { fail as x509Fail } from '../../core/x509/codes.ts';",
    "import { passCheck } from '../../core/card/codes.ts';",
    "pass('digest_mismatch');",
    "pass('digest_missmatch');",
    "x509Fail('ds_expired', 'x');",
    "x509Fail('ds_expird', 'x');",
    "passCheck('card_face.expiry');",
    "passCheck('card_face.expiry_');",
    "import { failCheck as residenceFail } from '../../core/residence-card/codes.ts';",
    "import { passCheck as licencePass } from '../../core/licence/codes.ts';",
    "import { passCheck as passportPass } from '../../core/passport/codes.ts';",
    "import type { TrustIssue } from '../../core/trust/trust-store.ts';",
    "residenceFail('residence_card.signature', 'x');",
    "residenceFail('residence_card.signatur', 'x');",
    "licencePass('licence.expiry');",
    "licencePass('licence.expiri');",
    "passportPass('passport.dg14_hash');",
    "passportPass('passport.dg14_hsh');",
    "export const ok: TrustIssue = { code: 'root_expired', detail: 'x' };",
    "export const bad: TrustIssue = { code: 'root_expird', detail: 'x' };",
  ];
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === virtual ? lines.join('\n') : read(f));
  host.fileExists = (
    (exists) => (f: string) =>
      f === virtual || exists(f)
  )(host.fileExists.bind(host));
  host.getSourceFile = (f, v, onError, create) =>
    f === virtual ? ts.createSourceFile(f, lines.join('\n'), v) : getSource(f, v, onError, create);
  const program = ts.createProgram({
    rootNames: [virtual, join(dir, '..', '..', 'core', 'globals.d.ts')],
    options,
    host,
  });
  const errors = ts.getPreEmitDiagnostics(program).filter((x) => x.file?.fileName === virtual);
  const lineOf = (x: ts.Diagnostic) => x.file!.getLineAndCharacterOfPosition(x.start!).line;
  assert.deepEqual(
    errors.map((x) => [lineOf(x), x.code]),
    [
      [4, 2345],
      [6, 2345],
      [8, 2345],
      [14, 2345],
      [16, 2345],
      [18, 2345],
      [20, 2820], // TS2820: not assignable, "did you mean root_expired?"
    ],
    errors.map((x) => ts.flattenDiagnosticMessageText(x.messageText, '\n')).join('\n'),
  );
  // Nothing outside the probe failed to compile (the imports resolved to the real modules).
  const elsewhere = ts.getPreEmitDiagnostics(program).filter((x) => x.file && x.file.fileName !== virtual);
  assert.deepEqual(
    elsewhere.map((x) => `${x.file!.fileName}: ${ts.flattenDiagnosticMessageText(x.messageText, ' ')}`),
    [],
  );
});

test('every check and trust code has an English and a Japanese message; the chain codes are part of the mdoc table', () => {
  const tables = [MDOC_CODES, CARD_CHECKS, RESIDENCE_CARD_CHECKS, LICENCE_CHECKS, PASSPORT_CHECKS, TRUST_ISSUES];
  for (const [code, m] of tables.flatMap((t) => Object.entries(t) as [string, { en: string; ja: string }][])) {
    assert.ok(m.en.length > 0 && m.ja.length > 0, code);
    assert.match(m.ja, /[\u3040-\u30ff\u4e00-\u9fff]/, `${code}: the Japanese message is Japanese`);
  }
  for (const code of Object.keys(X509_CODES)) assert.ok(code in MDOC_CODES, `${code} missing from MDOC_CODES`);
});
