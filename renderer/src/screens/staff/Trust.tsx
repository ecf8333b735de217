// Trust: what the kiosk can verify now, per document type (what is missing for each), the roots
// with their expiry, and the import of a root or key file.
import { useEffect, useState } from 'react';
import type { Lang, TrustStatus } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { msg, t } from '../../i18n.ts';
import { Segmented, Toggle } from './controls.tsx';

type Kind = 'iaca' | 'jpki' | 'vical' | 'vical-signer' | 'card-face' | 'csca' | 'masterlist' | 'masterlist-signer';

/** "Ready for My Number Card (card) / (iPhone) / JPKI", each with what is missing (the host's trust readiness). */
export function ReadinessCards({ lang, api, status }: { lang: Lang; api: Connection; status?: TrustStatus | null }) {
  const [own, setOwn] = useState<TrustStatus | null>(null);
  useEffect(() => {
    if (status === undefined) void api.call('staffTrustStatus', {}).then((x) => x.ok && setOwn(x.value));
  }, [api, status]);
  const st = status ?? own;
  if (!st) return null;
  return (
    <div className="readiness" data-testid="trust-ready">
      {st.ready.map((d) => (
        <div
          key={d.id}
          className={`ready-card ${d.ready ? 'ok' : 'missing'}`}
          data-id={d.id}
          data-ready={d.ready ? 'yes' : 'no'}
        >
          <div className="ready-mark" aria-hidden="true">
            {d.ready ? '✓' : '!'}
          </div>
          <div>
            <h3>
              {t(lang, d.ready ? 'staff.readyFor' : 'staff.notReadyFor', {
                what: lang === 'ja' ? d.labelJa : d.labelEn,
              })}
            </h3>
            {d.missing.map((m) => (
              <p key={m} className="ready-missing">
                {t(lang, 'staff.missing')}: {m}
              </p>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

export function Trust({ lang, api }: { lang: Lang; api: Connection }) {
  const [st, setSt] = useState<TrustStatus | null>(null);
  const [note, setNote] = useState('');
  const [keyId, setKeyId] = useState('');
  const [kind, setKind] = useState<Kind>('iaca');
  const [rev, setRev] = useState(0);
  const [replace, setReplace] = useState(false);
  useEffect(() => {
    void api.call('staffTrustStatus', {}).then((r) => (r.ok ? setSt(r.value) : setNote(msg(lang, r.error))));
  }, [api, rev]);
  const onFile = async (f: File) => {
    const buf = new Uint8Array(await f.arrayBuffer());
    let bin = '';
    for (const b of buf) bin += String.fromCharCode(b);
    const r = await api.call('staffTrustImport', {
      kind,
      fileName: f.name,
      contentBase64: btoa(bin),
      ...(kind === 'card-face' && keyId ? { keyId } : {}),
      ...(replace ? { replaceBuiltin: true } : {}),
    });
    setReplace(false);
    setNote(r.ok ? `${r.value.stored}: ${r.value.detail}` : msg(lang, r.error));
    setRev((x) => x + 1);
  };
  return (
    <div className="trust" data-testid="trust-tab">
      <ReadinessCards lang={lang} api={api} status={st} />
      {st &&
        st.warnings.map((w) => (
          <p key={w} className="staff-warn">
            ⚠ {w}
          </p>
        ))}
      {st && st.roots.length === 0 && <p>{t(lang, 'staff.noRoots')}</p>}
      {st && st.roots.length > 0 && (
        <table className="stable trust-roots">
          <thead>
            <tr>
              <th>{t(lang, 'trust.kind')}</th>
              <th>{t(lang, 'trust.origin')}</th>
              <th>{t(lang, 'trust.subject')}</th>
              <th>{t(lang, 'trust.until')}</th>
              <th>{t(lang, 'trust.notes')}</th>
            </tr>
          </thead>
          <tbody>
            {st.roots.map((r) => (
              <tr key={r.file + r.fingerprint} className={r.warnings.length ? 'row-warn' : ''}>
                <td>{r.kind}</td>
                <td data-origin={r.origin}>{t(lang, r.origin === 'built-in' ? 'staff.builtIn' : 'staff.imported')}</td>
                <td>{r.subject}</td>
                <td>{r.notAfter}</td>
                <td>{r.warnings.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="trust-import">
        <h3>{t(lang, 'trust.importTitle')}</h3>
        <Segmented<Kind>
          testid="trust-kind"
          value={kind}
          onChange={setKind}
          options={[
            { value: 'iaca', label: 'IACA' },
            { value: 'jpki', label: 'JPKI' },
            { value: 'vical', label: 'VICAL' },
            { value: 'vical-signer', label: t(lang, 'trust.vicalSigner') },
            { value: 'card-face', label: t(lang, 'trust.cardFace') },
            { value: 'csca', label: t(lang, 'trust.csca') },
            { value: 'masterlist', label: t(lang, 'trust.masterList') },
            { value: 'masterlist-signer', label: t(lang, 'trust.masterListSigner') },
          ]}
        />
        {kind === 'card-face' && (
          <input
            className="stext"
            placeholder={t(lang, 'trust.keyId')}
            value={keyId}
            onChange={(e) => setKeyId(e.target.value.trim())}
          />
        )}
        <Toggle
          testid="trust-replace-builtin"
          on={replace}
          onChange={setReplace}
          label={t(lang, 'staff.replaceBuiltin')}
        />
        <label className="sbtn sbtn-primary file-button">
          {t(lang, 'staff.import')}
          <input
            type="file"
            data-testid="trust-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void onFile(f);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {note && (
        <p className="note" data-testid="trust-note">
          {note}
        </p>
      )}
    </div>
  );
}
