export * from './uuids.ts';
export * from './chunking.ts';
export * from './ident.ts';
export * from './link.ts';
export * from './peripheral-server-reader.ts';
export * from './central-client-reader.ts';
export * from './reader-transport.ts';
