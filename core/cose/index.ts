export * from './algorithms.ts';
export * from './errors.ts';
export * from './headers.ts';
export * from './key.ts';
export * from './sign1.ts';
export * from './mac0.ts';
