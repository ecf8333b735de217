// The real readers, found at start. Each adapter (card.ts: PC/SC My Number Card; mdoc.ts: phones)
// is loaded only if its reader code has landed and a device answers; otherwise the note says why,
// and start-up falls back to the training simulators (which then say so on screen).
import type { CredentialReader } from '../reader.ts';

export interface RealReaders {
  readers: CredentialReader[];
  note: string;
}

export async function realReaders(opts: { home: string }): Promise<RealReaders> {
  const readers: CredentialReader[] = [];
  const notes: string[] = [];
  for (const [name, file] of [['card', './card.ts'], ['mdoc', './mdoc.ts']] as const) {
    try {
      const mod = (await import(file)) as { detect(o: { home: string }): Promise<{ reader: CredentialReader | null; note: string }> };
      const r = await mod.detect(opts);
      if (r.reader) readers.push(r.reader);
      notes.push(`${name}: ${r.note}`);
    } catch (e) {
      notes.push(`${name}: adapter unavailable (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return { readers, note: notes.join('; ') };
}
