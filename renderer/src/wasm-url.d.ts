// Vite's `?url` import: the emitted asset's URL (the QR decoder's .wasm in the renderer build).
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
