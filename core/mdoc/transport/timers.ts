// core/ has no timer globals (docs/architecture.md "Clocks and crypto are passed in"). Transports get timers from the
// host (main/ble passes Node's), which also lets tests drive time.
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
