// EF.COM (ICAO Doc 9303-10 §4.6.1): 60 { 5F01 LDS version, 5F36 Unicode version, 5C tag list }.
// Unsigned (it is not in the SOD): the kiosk uses it only as a hint of which data groups exist, and
// reads DG14/DG15 when either EF.COM or the SOD's hash table lists them.
import { child, parseFile } from '../card/ber-tlv.ts';
import { DG_BY_TAG } from './lds-files.ts';

export interface EfCom {
  ldsVersion: string;
  unicodeVersion: string;
  dataGroups: number[];
}

export function parseEfCom(bytes: Uint8Array): EfCom {
  const { children } = parseFile(bytes, 0x60, 'EF.COM');
  const text = (b: Uint8Array) => String.fromCharCode(...b);
  const tags = child(children, 0x5c, 'EF.COM').value;
  const dataGroups: number[] = [];
  for (const t of tags) {
    const dg = DG_BY_TAG[t];
    if (dg !== undefined && !dataGroups.includes(dg)) dataGroups.push(dg);
  }
  return {
    ldsVersion: text(child(children, 0x5f01, 'EF.COM').value),
    unicodeVersion: text(child(children, 0x5f36, 'EF.COM').value),
    dataGroups,
  };
}
