// The few runtime globals core/ may use: they exist in every JS engine we target (Node, Chromium,
// Electron) and are not Node- or DOM-specific. Declared here because core/tsconfig.json loads no
// DOM or Node typings, so any other global (Buffer, process, document) is a type error.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
