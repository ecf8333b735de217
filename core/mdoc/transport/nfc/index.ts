// NFC data retrieval (ISO 18013-5 §8.3.3.1.2). Entry point: `NfcDataRetrieval`.
export * from './codes.ts';
export * from './do53.ts';
export * from './nfc-data-retrieval.ts';
