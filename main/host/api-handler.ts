// One API session per connected screen (an Electron window or a WebSocket client). Every call is
// parsed with the contract's zod schema before it reaches the host, and every answer is shaped
// `{ok, value} | {ok, error}`. Staff methods need this session to be unlocked with the staff PIN;
// the check lives here, in the host, never in the renderer. What each method does is its typed
// handler (api-handlers.ts).
import {
  Methods,
  apiError,
  type ApiResult,
  type MethodName,
  type ParsedParams,
  type Value,
} from '../../api/contract.ts';
import { errorText } from '../../core/errors.ts';
import { ApiFailure } from './api-failure.ts';
import { HANDLERS, type CallContext, type HostServices } from './api-handlers.ts';

export type { HostServices } from './api-handlers.ts';
export { ApiFailure } from './api-failure.ts';

/** Idle staff sessions lock themselves after this long. */
export const STAFF_SESSION_MS = 5 * 60_000;

const STAFF_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'staffGetSettings',
  'staffUpdateSettings',
  'staffChangePin',
  'staffTrustStatus',
  'staffTrustImport',
  'staffAuditView',
  'staffAuditExport',
  'staffDashboard',
  'staffReaderTest',
  'staffDiagnostics',
]);

function isMethod(name: string): name is MethodName {
  return Object.hasOwn(Methods, name);
}

/** The method's params, parsed by its schema: the parsed value or the schema's complaints. */
function parseParams<M extends MethodName>(
  m: M,
  raw: unknown,
): { ok: true; params: ParsedParams<M> } | { ok: false; issues: string } {
  const r = Methods[m].params.safeParse(raw ?? {});
  if (!r.success)
    return { ok: false, issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  // The schema of Methods[m] produced it: ParsedParams<M> is that schema's output (TypeScript cannot
  // follow the correlation through the generic index).
  return { ok: true, params: r.data as ParsedParams<M> };
}

/** Run method `m`'s handler (the table is typed per method: its params in, its value out). */
function run<M extends MethodName>(m: M, p: ParsedParams<M>, c: CallContext): Promise<Value<M>> {
  const handler: (p: ParsedParams<M>, c: CallContext) => Value<M> | Promise<Value<M>> = HANDLERS[m];
  return Promise.resolve(handler(p, c));
}

export class ApiSession {
  private staffUntil = 0;
  private readonly context: CallContext;

  constructor(svc: HostServices) {
    this.context = {
      ...svc,
      session: {
        unlockStaff: () => {
          this.staffUntil = Date.now() + STAFF_SESSION_MS;
        },
        lockStaff: () => {
          this.staffUntil = 0;
        },
        staffUnlocked: () => this.staffUnlocked,
      },
    };
  }

  get staffUnlocked(): boolean {
    return Date.now() < this.staffUntil;
  }

  /** Entry point for both transports: untrusted method name and params in, a result out. */
  async handle(method: string, rawParams: unknown): Promise<ApiResult<unknown>> {
    if (!isMethod(method))
      return {
        ok: false,
        error: apiError('unknown_method', `Unknown method ${method.slice(0, 40)}`, '不明な操作です'),
      };
    const parsed = parseParams(method, rawParams);
    if (!parsed.ok) return { ok: false, error: apiError('bad_params', parsed.issues, '入力が正しくありません') };
    if (STAFF_METHODS.has(method)) {
      if (!this.staffUnlocked)
        return {
          ok: false,
          error: apiError(
            'staff_locked',
            'The staff area is locked: enter the staff PIN',
            'スタッフ画面はロックされています。スタッフPINを入力してください',
          ),
        };
      this.staffUntil = Date.now() + STAFF_SESSION_MS;
    }
    try {
      return { ok: true, value: await run(method, parsed.params, this.context) };
    } catch (e) {
      if (e instanceof ApiFailure) return { ok: false, error: e.error };
      return {
        ok: false,
        error: apiError('internal', errorText(e), '内部エラーが発生しました。スタッフを呼んでください'),
      };
    }
  }
}
