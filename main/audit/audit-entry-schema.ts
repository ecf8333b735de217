// The zod schema every entry passes before it is appended (main/audit/audit-store.ts). The rules
// themselves are core/audit/audit-entry.ts; this file only states them for zod, strictly: unknown
// keys are refused, every string is an enum, a narrow identifier or a fixed-length hex key id, and
// every identifier is also screened for personal-data shapes (digit runs, dates, blobs, non-ASCII).
//
// Rejections never echo the offending value (it may be exactly the personal data we refuse):
// AuditEntryRejected carries field paths and rule names only.
import { z } from 'zod';
import {
  AUDIT_ENTRY_VERSION,
  AUDIT_MODES,
  AUDIT_OUTCOMES,
  CODE_RE,
  CREDENTIAL_TYPES,
  DOCUMENT_MAX,
  DOCUMENT_RE,
  ELEMENT_MAX,
  ELEMENT_RE,
  ENGAGEMENTS,
  ISSUER_KEY_ID_RE,
  MAX_DURATION_MS,
  MAX_LIST,
  TIME_RE,
  TRANSPORTS,
  READER_FINGERPRINT_RE,
  READER_SIGNER_RE,
  personalDataShape,
  type AuditEntry,
} from '../../core/audit/audit-entry.ts';

const identifier = (re: RegExp, max: number) =>
  z
    .string()
    .max(max)
    .regex(re)
    .refine((s) => personalDataShape(s) === null, { message: 'looks like personal data' });

const code = identifier(CODE_RE, 64);
const duration = z.number().int().min(0).max(MAX_DURATION_MS);

export const AuditEntrySchema = z.strictObject({
  v: z.literal(AUDIT_ENTRY_VERSION),
  time: z
    .string()
    .regex(TIME_RE)
    .refine(
      (s) => {
        const d = new Date(s); // zod runs refinements even after a failed regex: guard the parse
        return !Number.isNaN(d.getTime()) && d.toISOString() === s;
      },
      { message: 'not a real UTC instant' },
    ),
  mode: z.enum(AUDIT_MODES),
  outcome: z.enum(AUDIT_OUTCOMES),
  errorCode: code.nullable(),
  failedChecks: z.array(code).max(MAX_LIST),
  passedChecks: z.array(code).max(MAX_LIST),
  credentialType: z.enum(CREDENTIAL_TYPES).nullable(),
  document: identifier(DOCUMENT_RE, DOCUMENT_MAX).nullable(),
  // All-decimal would be a number, not a digest (a real 40-hex digest is all-decimal with p ~ 7e-9).
  issuerKeyId: z
    .string()
    .regex(ISSUER_KEY_ID_RE)
    .refine((s) => !/^\d+$/.test(s), { message: 'looks like a number' })
    .nullable(),
  requestedElements: z.array(identifier(ELEMENT_RE, ELEMENT_MAX)).max(MAX_LIST),
  intentToRetain: z.boolean(),
  engagement: z.enum(ENGAGEMENTS).nullable(),
  transport: z.enum(TRANSPORTS).nullable(),
  durations: z.strictObject({ totalMs: duration, readMs: duration.nullable(), verifyMs: duration.nullable() }),
  training: z.boolean(),
  // Rows written before reader authentication existed have no such key: they read as null.
  readerAuth: z
    .strictObject({
      signer: z
        .string()
        .regex(READER_SIGNER_RE)
        .refine((s) => !/\d{6,}/.test(s), { message: 'a run of 6 or more digits' }),
      fingerprint: z.string().regex(READER_FINGERPRINT_RE),
    })
    .nullable()
    .default(null),
});

// Compile-time: the schema and the core type describe the same object.
type SchemaEntry = z.infer<typeof AuditEntrySchema>;
const _sameShape: [SchemaEntry extends AuditEntry ? true : false, AuditEntry extends SchemaEntry ? true : false] = [
  true,
  true,
];
void _sameShape;

export class AuditEntryRejected extends Error {
  override readonly name = 'AuditEntryRejected';
  constructor(readonly problems: { path: string; rule: string }[]) {
    super(`audit entry rejected: ${problems.map((p) => `${p.path || '(entry)'}: ${p.rule}`).join('; ')}`);
  }
}

/** Validate or throw AuditEntryRejected (paths and rules only, never values). */
export function parseAuditEntry(input: unknown): AuditEntry {
  const r = AuditEntrySchema.safeParse(input);
  if (r.success) return r.data as AuditEntry;
  throw new AuditEntryRejected(
    r.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      // zod's own message for refinements is ours; for the rest use the issue code, which
      // never contains the input.
      rule: i.code === 'custom' ? i.message : i.code,
    })),
  );
}
