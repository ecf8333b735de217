// What the screens leave on `window` for the browser tests and `npm run bench` to read (timings,
// never personal data). A declaration file of its own so the tests, type-checked with Node types,
// see the same declaration as the renderer.
interface Window {
  /** Render timing of the last staff dashboard (staff/Dashboard.tsx). */
  __kakuninDashboard?: { range: string; ms: number; rows: number };
}
