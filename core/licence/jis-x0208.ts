// JIS X 0208 text of the licence (row/cell byte pairs 21-7E, no escape sequences). Decoded through
// the WHATWG Encoding Standard's EUC-JP decoder (index-jis0208, identical in Node and Chromium): a
// pair (r, c) is the EUC-JP pair (r | 80, c | 80). Gaiji codes FF F1 - FF F7 (外字1-7) and FF FA
// (欠字) become 〓 and set `gaiji`, so a field is flagged, never silently shortened.
import { CardError } from '../card/codes.ts';

export interface JisText {
  text: string;
  gaiji: boolean;
}

const eucjp = new TextDecoder('euc-jp', { fatal: true });
export const GETA = '〓';

export function decodeJisX0208(b: Uint8Array, where: string): JisText {
  if (b.length % 2) throw new CardError('malformed_tlv', `${where}: odd length for JIS X 0208 text`);
  let text = '';
  let gaiji = false;
  for (let i = 0; i < b.length; i += 2) {
    const r = b[i]!;
    const c = b[i + 1]!;
    if (r === 0xff && ((c >= 0xf1 && c <= 0xf7) || c === 0xfa)) {
      text += GETA;
      gaiji = true;
      continue;
    }
    if (r < 0x21 || r > 0x7e || c < 0x21 || c > 0x7e)
      throw new CardError('malformed_tlv', `${where}: ${r.toString(16)} ${c.toString(16)} is not a JIS X 0208 code`);
    try {
      text += eucjp.decode(Uint8Array.of(r | 0x80, c | 0x80));
    } catch {
      // A row/cell pair the standard leaves unassigned: keep the place, flag the field.
      text += GETA;
      gaiji = true;
    }
  }
  return { text, gaiji };
}
