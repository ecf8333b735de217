export * from './errors.ts';
export * from './session-transcript.ts';
export * from './session-keys.ts';
export * from './session-encryption.ts';
export * from './session-messages.ts';
export * from './reader-session.ts';
