// Binds engineer H5a's audit store (main/audit/audit-store.ts: open/append/verify/export) to the
// host's AuditSink. Loaded dynamically so the host builds before the store lands.
import type { AuditSink } from './audit-sink.ts';

export async function openAuditSink(file: string): Promise<AuditSink> {
  const modPath = '../audit/audit-store.ts';
  let mod: unknown;
  try {
    mod = await import(modPath);
  } catch (e) {
    throw new Error(`audit store (main/audit/audit-store.ts) is not available: ${(e as Error).message.split('\n')[0]}`);
  }
  throw new Error(`audit store adapter not yet bound to ${Object.keys(mod as object).join(',')} (${file})`);
}
