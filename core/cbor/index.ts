export { decodeCbor, DEFAULT_LIMITS, type CborLimits } from './decode.ts';
export { encodeCbor } from './encode.ts';
export { CborError, type CborErrorCode } from './errors.ts';
export { EmbeddedCbor, Tagged, type CborMap, type CborValue } from './model.ts';
export * from './read.ts';
