// The credentials the kiosk reads and their namespaces.
// - Japan's My Number Card in a wallet (Apple Wallet, 2025-): docType org.iso.23220.1.jp.mnc with
//   namespaces org.iso.23220.1 (ISO/IEC 23220-2 common elements) and org.iso.23220.1.jp.
// - The ISO 18013-5 mobile driving licence: docType org.iso.18013.5.1.mDL, namespace org.iso.18013.5.1.
export const DOCTYPE_MNC = 'org.iso.23220.1.jp.mnc';
export const DOCTYPE_MDL = 'org.iso.18013.5.1.mDL';
export const NS_23220 = 'org.iso.23220.1';
export const NS_23220_JP = 'org.iso.23220.1.jp';
export const NS_MDL = 'org.iso.18013.5.1';

export const SUPPORTED_DOCTYPES = [DOCTYPE_MNC, DOCTYPE_MDL] as const;
export type SupportedDocType = (typeof SUPPORTED_DOCTYPES)[number];
