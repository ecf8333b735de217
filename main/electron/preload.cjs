// Preload (sandboxed: CommonJS, only `electron` may be required). Exposes exactly one object,
// `window.kakunin`, with two functions: call(method, params) and onSnapshot(cb). No ipcRenderer,
// no event objects, no Node: the renderer cannot reach anything but the typed API
// (api/contract.ts; the host re-validates every call with zod).
'use strict';
const { contextBridge, ipcRenderer } = require('electron');

// Kept in step with api/contract.ts METHOD_NAMES (test/electron/preload.test.ts checks it).
const METHODS = Object.freeze([
  'getSnapshot',
  'setLang',
  'submitInput',
  'submitEngagement',
  'dismiss',
  'confirmUnverified',
  'trainingPresent',
  'staffUnlock',
  'staffSetup',
  'staffLock',
  'staffStatus',
  'staffChangePin',
  'staffGetSettings',
  'staffUpdateSettings',
  'staffTrustStatus',
  'staffTrustImport',
  'staffAuditView',
  'staffAuditExport',
  'staffDashboard',
  'staffReaderTest',
  'staffDiagnostics',
]);

const api = {
  call(method, params) {
    if (typeof method !== 'string' || !METHODS.includes(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'unknown_method', messageEn: 'Unknown method', messageJa: '不明な操作です' },
      });
    }
    return ipcRenderer.invoke('kakunin:call', method, params);
  },
  onSnapshot(cb) {
    if (typeof cb !== 'function') return () => {};
    // Hand over the data only, never the IpcRendererEvent (it carries `sender`).
    const listener = (_event, snapshot) => cb(snapshot);
    ipcRenderer.on('kakunin:snapshot', listener);
    return () => ipcRenderer.removeListener('kakunin:snapshot', listener);
  },
};

contextBridge.exposeInMainWorld('kakunin', Object.freeze(api));
