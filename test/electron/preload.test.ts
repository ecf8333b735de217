// The preload exposes exactly one object, `kakunin`, with `call` and `onSnapshot`, and nothing of
// ipcRenderer or Node. Run in a vm context with a stand-in `electron` module, the way Electron's
// sandboxed preload runs (CommonJS, only `electron` requirable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { METHOD_NAMES } from '../../api/contract.ts';

const source = readFileSync(join(import.meta.dirname, '..', '..', 'main', 'electron', 'preload.cjs'), 'utf8');

function loadPreload() {
  const exposed: Record<string, any> = {};
  const invoked: unknown[][] = [];
  type Listener = (...a: unknown[]) => void;
  const listeners = new Map<string, Listener[]>();
  const fakeIpc = {
    invoke: (...a: unknown[]) => {
      invoked.push(a);
      return Promise.resolve({ ok: true, value: null });
    },
    on: (ch: string, l: Listener) => listeners.set(ch, [...(listeners.get(ch) ?? []), l]),
    removeListener: (ch: string, l: Listener) =>
      listeners.set(
        ch,
        (listeners.get(ch) ?? []).filter((x) => x !== l),
      ),
  };
  const required: string[] = [];
  const ctx = vm.createContext({
    require: (m: string) => {
      required.push(m);
      if (m !== 'electron') throw new Error(`sandboxed preload cannot require ${m}`);
      return {
        contextBridge: {
          exposeInMainWorld: (k: string, v: unknown) => {
            exposed[k] = v;
          },
        },
        ipcRenderer: fakeIpc,
      };
    },
    Promise,
    Object,
  });
  vm.runInContext(source, ctx);
  return { exposed, invoked, listeners, required };
}

test('preload exposes only window.kakunin with call and onSnapshot', () => {
  const { exposed, required } = loadPreload();
  assert.deepEqual(Object.keys(exposed), ['kakunin']);
  assert.deepEqual(Object.keys(exposed.kakunin).sort(), ['call', 'onSnapshot']);
  assert.ok(Object.isFrozen(exposed.kakunin));
  assert.deepEqual(required, ['electron']);
  for (const v of Object.values(exposed.kakunin)) assert.equal(typeof v, 'function');
  assert.ok(!JSON.stringify(Object.getOwnPropertyNames(exposed.kakunin)).includes('ipc'));
});

test("preload forwards only the contract's methods, on one channel", async () => {
  const { exposed, invoked } = loadPreload();
  await exposed.kakunin.call('getSnapshot', {});
  assert.deepEqual(invoked, [['kakunin:call', 'getSnapshot', {}]]);
  const r = await exposed.kakunin.call('openExternal', { url: 'x' });
  assert.equal(r.error.code, 'unknown_method');
  await exposed.kakunin.call({ toString: () => 'getSnapshot' }, {});
  assert.equal(invoked.length, 1, 'non-string method names are not forwarded');
});

test('the preload method list matches the API contract exactly', () => {
  const m = /const METHODS = Object\.freeze\(\[([\s\S]*?)\]\)/.exec(source);
  assert.ok(m);
  const list = [...m[1]!.matchAll(/'([A-Za-z]+)'/g)].map((x) => x[1]);
  assert.deepEqual([...list].sort(), [...METHOD_NAMES].sort());
});

test('snapshot listeners get the data only, never the IPC event (it carries sender)', () => {
  const { exposed, listeners } = loadPreload();
  const got: unknown[][] = [];
  const off = exposed.kakunin.onSnapshot((...a: unknown[]) => got.push(a));
  const l = listeners.get('kakunin:snapshot')![0]!;
  l({ sender: { send() {} }, senderFrame: {} }, { seq: 1 });
  assert.deepEqual(got, [[{ seq: 1 }]]);
  off();
  assert.equal(listeners.get('kakunin:snapshot')!.length, 0);
});
