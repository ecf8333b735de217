// The real readers, found at start. With a PC/SC reader attached, tap.ts gives both readers on it:
// the My Number Card and phones tapped on the same reader (each tap probed and routed), the phone
// reader also taking QR text from the scanner. Without one, mdoc.ts gives the QR + Bluetooth phone
// reader if an adapter answers. Otherwise the note says why, and start-up falls back to the training
// simulators (which then say so on screen).
import type { CredentialReader } from '../reader.ts';
import { errorText } from '../../../core/errors.ts';

export interface RealReaders {
  readers: CredentialReader[];
  note: string;
}

export async function realReaders(opts: {
  home: string;
  preferTransport?: () => 'ble' | 'nfc';
  mynaLicence?: () => 'mynumber-card' | 'driving-licence';
}): Promise<RealReaders> {
  const notes: string[] = [];
  try {
    const tap = (await import('./tap.ts')) as typeof import('./tap.ts');
    const r = await tap.detect(opts);
    notes.push(`pcsc: ${r.note}`);
    if (r.readers.length) return { readers: r.readers, note: notes.join('; ') };
  } catch (e) {
    notes.push(`pcsc: adapter unavailable (${errorText(e).split('\n')[0]})`);
  }
  try {
    const mdoc = (await import('./mdoc.ts')) as typeof import('./mdoc.ts');
    const r = await mdoc.detect(opts);
    notes.push(`mdoc: ${r.note}`);
    if (r.reader) return { readers: [r.reader], note: notes.join('; ') };
  } catch (e) {
    notes.push(`mdoc: adapter unavailable (${errorText(e).split('\n')[0]})`);
  }
  return { readers: [], note: notes.join('; ') };
}
