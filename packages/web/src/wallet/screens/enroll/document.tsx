/**
 * Enrollment step 2: the document type and number, read from the chip by the simulated NFC reader.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DOCUMENT_TYPES, isDocumentType } from '@wangzheng/core/documents/document-types';
import { assertDocumentNumber } from '@wangzheng/core/documents/numbers';
import { failureOf, sim, type SampleDocument } from '../../../shared/api.ts';
import { label, useI18n } from '../../../shared/i18n/index.ts';
import { Button, Card, Field, SimBadge } from '../../ui.tsx';

export function DocumentStep(p: { doc: { type: string; number: string }; setDoc: (d: { type: string; number: string }) => void; onRead: (type: string, number: string) => void }): JSX.Element {
  const { t } = useI18n();
  const [error, setError] = useState<string | undefined>();
  const [samples, setSamples] = useState<SampleDocument[]>([]);
  useEffect(() => {
    sim.samples().then(
      (s) => setSamples(s.filter((x) => x.status === 'valid').slice(0, 6)),
      () => setSamples([]),
    );
  }, []);
  const submit = (e: Event): void => {
    e.preventDefault();
    const type = p.doc.type;
    const number = p.doc.number.trim().toUpperCase();
    if (!isDocumentType(type)) return;
    try {
      assertDocumentNumber(type, number);
    } catch (err) {
      const f = failureOf(err);
      setError(label(t.errors, f.code));
      return;
    }
    setError(undefined);
    p.onRead(type, number);
  };
  return (
    <Card title={t.enroll.chipTitle} tone="sim">
      <p class="sim-note">
        <SimBadge /> {t.enroll.chipSimNote}
      </p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="document-type">{t.enroll.documentType}</label>
          <select id="document-type" name="document-type" value={p.doc.type} onChange={(e) => p.setDoc({ ...p.doc, type: (e.currentTarget as HTMLSelectElement).value })}>
            {DOCUMENT_TYPES.map((d) => (
              <option key={d} value={d}>
                {label(t.labels.documentTypes, d)}
              </option>
            ))}
          </select>
        </div>
        <Field id="document-number" label={t.enroll.documentNumber} hint={t.enroll.documentNumberHint} value={p.doc.number} onValue={(v) => {
            setError(undefined);
            p.setDoc({ ...p.doc, number: v });
          }} maxLength={32} error={error} required />
        <div class="actions">
          <Button type="submit">{t.enroll.readChip}</Button>
        </div>
      </form>
      {samples.length > 0 && (
        <details class="samples">
          <summary>{t.enroll.samplesTitle}</summary>
          <p class="hint">{t.enroll.samplesHint}</p>
          <ul>
            {samples.map((s) => (
              <li key={`${s.documentType}:${s.documentNumber}`}>
                <button type="button" class="btn btn-link" onClick={() => p.setDoc({ type: s.documentType, number: s.documentNumber })}>
                  {t.enroll.useSample(s.label)}
                </button>
                <span class="meta">
                  {label(t.labels.documentTypes, s.documentType)} <span class="mono">{s.documentNumber}</span>
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------- 3–6: questions while `enroll` runs
