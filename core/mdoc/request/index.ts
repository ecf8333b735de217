export * from './doc-types.ts';
export * from './forbidden-elements.ts';
export * from './requestable-elements.ts';
export * from './policy-elements.ts';
export * from './device-request.ts';
export * from './reader-authentication.ts';
