// `kakunin verify-response`: verify an ISO 18013-5 DeviceResponse offline (a contract:
// docs/architecture.md "Contracts"):
//
//   npx kakunin verify-response --response FILE --transcript FILE [--trust DIR] [--no-builtin-trust]
//                               [--at ISOTIME] [--reader-key HEX] [--json]
//
// Prints ONE JSON object with --json ({verdict, documents[], errors[], warnings[], checks[]}; see
// main/cli/json-output.ts), a short human summary otherwise. Exit 0 valid, 1 invalid, 2 usage
// (missing / unknown / repeated flag, unreadable file, trust DIR missing, bad ISO time, bad hex).
// Hostile input is never a crash: it is verdict "invalid" with an error code.
import { readFileSync, statSync } from 'node:fs';
import { checkTrustFlag, loadCliTrust, TRUST_FLAGS_HELP } from '../trust-flags.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { parseRfc3339 } from '../../../core/mdoc/tdate.ts';
import { verifyDeviceResponse, type ResponseResult } from '../../../core/mdoc/verify.ts';
import { codeMessage } from '../../../core/mdoc/codes.ts';
import { rejectedResponse } from '../../mdoc-reader/error-messages.ts';
import { responseResultToJson, usageFailed } from '../json-output.ts';
import { parseFlags, UsageError } from '../flags.ts';
import { errorText } from '../../../core/errors.ts';

export const HELP = `usage: kakunin verify-response --response FILE --transcript FILE [--trust DIR] [--no-builtin-trust] [--at ISOTIME] [--reader-key HEX] [--json]

  --response FILE     DeviceResponse (CBOR bytes, ISO/IEC 18013-5 §8.3.2.1.2.2)
  --transcript FILE   SessionTranscriptBytes = #6.24(bstr .cbor SessionTranscript) (§9.1.5.1);
                      the untagged SessionTranscript array is accepted too
${TRUST_FLAGS_HELP}
  --at ISOTIME        verification time (RFC 3339, e.g. 2020-10-02T00:00:00Z; default: now)
  --reader-key HEX    reader ephemeral private key (big-endian scalar, hex), needed for deviceMac
  --json              print one JSON object

exit status: 0 valid, 1 invalid, 2 usage error`;

const FLAGS_WITH_VALUE = new Set(['--response', '--transcript', '--trust', '--at', '--reader-key']);
const BOOLEAN_FLAGS = new Set(['--json', '--help', '-h', '--no-builtin-trust']);

/** Files larger than this are not read: the decoder refuses anything over 16 MiB anyway. */
const MAX_INPUT_BYTES = 32 * 1024 * 1024;

interface Args {
  response: string;
  transcript: string;
  trust?: string;
  noBuiltinTrust: boolean;
  at?: string;
  readerKey?: string;
  json: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const { values, bools } = parseFlags(argv, FLAGS_WITH_VALUE, BOOLEAN_FLAGS);
  const help = bools.has('--help') || bools.has('-h');
  const json = bools.has('--json');
  if (help) return { response: '', transcript: '', noBuiltinTrust: false, json, help };
  for (const req of ['--response', '--transcript']) if (!values.has(req)) throw new UsageError(`${req} is required`);
  const out: Args = {
    response: values.get('--response')!,
    transcript: values.get('--transcript')!,
    noBuiltinTrust: bools.has('--no-builtin-trust'),
    json,
    help,
  };
  if (values.has('--trust')) out.trust = values.get('--trust')!;
  checkTrustFlag(out.trust);
  if (values.has('--at')) out.at = values.get('--at')!;
  if (values.has('--reader-key')) out.readerKey = values.get('--reader-key')!;
  return out;
}

/** --at: RFC 3339 date-time, or a bare date (midnight UTC). */
function parseAt(s: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? parseRfc3339(`${s}T00:00:00Z`) : parseRfc3339(s);
  if (!d || Number.isNaN(d.getTime()))
    throw new UsageError(`--at ${JSON.stringify(s)} is not an ISO 8601 / RFC 3339 time such as 2020-10-02T00:00:00Z`);
  return d;
}

function parseHex(s: string): Uint8Array {
  const t = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (t.length === 0 || t.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(t))
    throw new UsageError('--reader-key must be an even number of hex digits');
  if (t.length > 2 * 66) throw new UsageError('--reader-key is longer than a P-521 scalar');
  return new Uint8Array(Buffer.from(t, 'hex'));
}

type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; tooLarge: number };

function readInput(flag: string, path: string): ReadResult {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`${flag} ${path}: not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? errorText(e)})`);
  }
  if (size > MAX_INPUT_BYTES) return { ok: false, tooLarge: size };
  try {
    const b = readFileSync(path);
    return { ok: true, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
  } catch (e) {
    throw new UsageError(`${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? errorText(e)})`);
  }
}

/** Rejected by this command: the message from the verifier's own table (core/mdoc/codes.ts). */
function rejected(code: string, detail: string): ResponseResult {
  return rejectedResponse(code, detail, codeMessage(code));
}

function printHuman(r: ResponseResult): void {
  const lines = [`verdict: ${r.verdict.toUpperCase()}`];
  r.documents.forEach((d, i) => {
    lines.push(`document ${i}: ${d.docType || '(unknown docType)'}: ${d.verdict.toUpperCase()}`);
    for (const [ns, els] of Object.entries(d.elements)) lines.push(`  ${ns}: ${Object.keys(els).join(', ')}`);
  });
  for (const e of r.errors)
    lines.push(
      `  error ${e.code}${e.document !== undefined ? ` (document ${e.document})` : ''}: ${e.detail ?? e.message}`,
    );
  for (const w of r.warnings) lines.push(`  warning ${w.code}: ${w.detail ?? ''}`);
  process.stdout.write(lines.join('\n') + '\n');
}

export async function run(argv: string[]): Promise<number> {
  const wantsJson = argv.includes('--json');
  let args: Args;
  let at: Date;
  let readerKey: Uint8Array | undefined;
  let response: ReadResult;
  let transcript: ReadResult;
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    at = args.at !== undefined ? parseAt(args.at) : new Date();
    if (args.readerKey !== undefined) readerKey = parseHex(args.readerKey);
    response = readInput('--response', args.response);
    transcript = readInput('--transcript', args.transcript);
  } catch (e) {
    return usageFailed('verify-response', e, HELP, wantsJson);
  }

  let result: ResponseResult;
  const trustWarnings: { code: string; detail?: string; file?: string }[] = [];
  try {
    if (!response.ok) {
      result = rejected('cbor_limit_exceeded', `--response is ${response.tooLarge} bytes (limit ${MAX_INPUT_BYTES})`);
    } else if (!transcript.ok) {
      result = rejected(
        'session_transcript_invalid',
        `--transcript is ${transcript.tooLarge} bytes (limit ${MAX_INPUT_BYTES})`,
      );
    } else {
      const { store: trust, issues } = loadCliTrust(args.trust, args.noBuiltinTrust, nodeCrypto, at);
      trustWarnings.push(...issues);
      if (trust.iacas.length === 0)
        trustWarnings.push({
          code: 'trust_store_empty',
          detail: `no IACA root loaded${args.trust ? ` from ${args.trust}` : ''}`,
        });
      result = verifyDeviceResponse(response.bytes, {
        crypto: nodeCrypto,
        trust,
        now: at,
        transcript: transcript.bytes,
        ...(readerKey ? { readerPrivateKey: readerKey } : {}),
      });
    }
  } catch (e) {
    result = rejected('internal_error', `verification aborted: ${errorText(e)}`.slice(0, 300));
  }

  try {
    if (args.json)
      process.stdout.write(JSON.stringify(responseResultToJson(result, { warnings: trustWarnings })) + '\n');
    else printHuman({ ...result, warnings: [...result.warnings, ...trustWarnings] });
  } catch (e) {
    // Rendering can only fail on an engine limit; still print one JSON object and reject.
    process.stdout.write(
      JSON.stringify({
        verdict: 'invalid',
        documents: [],
        errors: [{ code: 'internal_error', message: errorText(e) }],
        warnings: [],
      }) + '\n',
    );
    return 1;
  }
  return result.verdict === 'valid' ? 0 : 1;
}
