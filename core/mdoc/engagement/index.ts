// mdoc engagement (ISO 18013-5 §8.2): QR and NFC (static / negotiated handover). See each file's
// header for its entry points; the usual ones are `parseQrEngagement`, `engageOverNfc`,
// `parseHandoverSelect`, `parseDeviceEngagement`.
export * from './codes.ts';
export * from './apdu-channel.ts';
export * from './ndef.ts';
export * from './device-engagement.ts';
export * from './qr.ts';
export * from './ble-oob.ts';
export * from './nfc-carrier.ts';
export * from './alternative-carrier.ts';
export * from './handover-select.ts';
export * from './handover-request.ts';
export * from './tnep.ts';
export * from './handover.ts';
export * from './engagement-result.ts';
export * from './type4-tag.ts';
export * from './static-handover.ts';
export * from './negotiated-handover.ts';
export * from './nfc-engagement.ts';
