// The JSON shape the CLI prints for a verified DeviceResponse (a contract: docs/architecture.md
// "Contracts"), shared by
// `verify-response` and `read-mdoc`:
//   {verdict, documents: [{docType, verdict, elements: {ns: {element: value}}, checks: [...] , ...}],
//    errors: [...], warnings: [...], checks: [...]}
// Element values: dates (tdate, full-date) as strings, byte strings as {"hex": "..."}, big integers
// as strings when they do not fit a JSON number, maps with non-text keys as objects keyed by String(key).
import { toHex } from '../../core/bytes.ts';
import { EmbeddedCbor, Tagged, type CborValue } from '../../core/cbor/model.ts';
import type { Check } from '../../core/check.ts';
import type { ResponseResult } from '../../core/mdoc/verify.ts';
import { isForbiddenElement, withoutForbidden } from '../../core/mdoc/request/forbidden-elements.ts';
import { errorText } from '../../core/errors.ts';
import { UsageError } from './flags.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const DAY_MS = 86_400_000;

const hex = toHex;

/** CBOR value -> JSON value, by the rules above. Depth-bounded (values come from the wire). */
export function cborToJson(v: CborValue, depth = 0): Json {
  if (depth > 64) return '[too deep]';
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'undefined':
      return null;
  }
  if (v === null) return null;
  if (v instanceof Uint8Array) return { hex: hex(v) };
  if (v instanceof EmbeddedCbor) return { tag: 24, hex: hex(v.content) };
  if (v instanceof Tagged) {
    // tdate (RFC 8949 §3.4.1) and full-date (RFC 8943) are strings already.
    if ((v.tag === 0 || v.tag === 1004) && typeof v.value === 'string') return v.value;
    // epoch-based date-time (tag 1) and days-since-epoch full-date (tag 100, RFC 8943).
    if (v.tag === 1 && typeof v.value === 'number' && Number.isFinite(v.value)) {
      const d = new Date(v.value * 1000);
      if (!Number.isNaN(d.getTime())) return d.toISOString();
    }
    if (v.tag === 100 && typeof v.value === 'number' && Number.isInteger(v.value)) {
      const d = new Date(v.value * DAY_MS);
      if (!Number.isNaN(d.getTime())) return d.toISOString().slice(0, 10);
    }
    return { tag: v.tag, value: cborToJson(v.value, depth + 1) };
  }
  if (Array.isArray(v)) return v.map((x) => cborToJson(x, depth + 1));
  if (v instanceof Map) {
    const o: { [k: string]: Json } = {};
    for (const [k, x] of v) setOwn(o, typeof k === 'bigint' ? k.toString() : String(k), cborToJson(x, depth + 1));
    return o;
  }
  return String(v);
}

function setOwn(o: object, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function checkJson(c: Check): { [k: string]: Json } {
  const o: { [k: string]: Json } = { code: c.code, ok: c.ok };
  if (c.detail) o.detail = c.detail;
  return o;
}

/** The whole result as the contract's JSON object. */
export function responseResultToJson(
  r: ResponseResult,
  extra: { warnings?: { code: string; detail?: string; file?: string }[] } = {},
): { [k: string]: Json } {
  return {
    verdict: r.verdict,
    documents: r.documents.map((d) => {
      const elements: { [k: string]: Json } = {};
      for (const [ns, els] of Object.entries(d.elements)) {
        const o: { [k: string]: Json } = {};
        // Verification already dropped them; the printer refuses them again (nothing prints the My Number).
        for (const [name, value] of Object.entries(els))
          if (!isForbiddenElement(name)) setOwn(o, name, cborToJson(withoutForbidden(value)));
        setOwn(elements, ns, o);
      }
      const doc: { [k: string]: Json } = {
        docType: d.docType,
        verdict: d.verdict,
        elements,
        checks: d.checks.map(checkJson),
      };
      if (d.deviceAuth) doc.deviceAuth = d.deviceAuth;
      if (d.issuer) doc.issuer = { ...d.issuer };
      if (d.validity) doc.validity = { ...d.validity };
      if (d.notReturned) doc.notReturned = d.notReturned;
      return doc;
    }),
    errors: r.errors.map((e) => ({ ...e }) as { [k: string]: Json }),
    warnings: [...r.warnings, ...(extra.warnings ?? [])].map((w) => ({ ...w }) as { [k: string]: Json }),
    checks: r.checks.map(checkJson),
  };
}

/**
 * A command line that could not be used: the message and the help on stderr and, with --json, an
 * invalid result naming usage_error (with `extra` fields after the others). The usage exit code, 2.
 */
export function usageFailed(
  command: string,
  e: unknown,
  help: string,
  json: boolean,
  extra: Record<string, Json> = {},
): number {
  const msg = e instanceof UsageError ? e.message : `unexpected: ${errorText(e)}`;
  process.stderr.write(`kakunin ${command}: ${msg}\n\n${help}\n`);
  if (json)
    process.stdout.write(
      JSON.stringify({
        verdict: 'invalid',
        documents: [],
        errors: [{ code: 'usage_error', message: msg }],
        warnings: [],
        ...extra,
      }) + '\n',
    );
  return 2;
}
