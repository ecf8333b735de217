// DG1 (ICAO Doc 9303-10 §4.7.1): 61 { 5F1F MRZ }, the machine readable zone as on the data page
// (TD3 88 characters, TD2 72, TD1 90).
import { child, parseFile } from '../card/ber-tlv.ts';
import { CardError } from '../card/codes.ts';
import { parseMrz, type ParsedMrz } from './mrz.ts';
import { errorText } from '../errors.ts';

export function parseDg1(bytes: Uint8Array): ParsedMrz {
  const { children } = parseFile(bytes, 0x61, 'DG1');
  const mrz = child(children, 0x5f1f, 'DG1').value;
  try {
    return parseMrz(String.fromCharCode(...mrz));
  } catch (e) {
    throw new CardError('malformed_tlv', `DG1: ${errorText(e)}`);
  }
}
