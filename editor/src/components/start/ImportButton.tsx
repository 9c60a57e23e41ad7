import { useRef, useState } from 'react';
import { api } from '../../lib/api';
import { IMPORT_ACCEPT, IMPORT_KINDS, importFailure, importType, titleFromFileName } from '../../lib/importFile';
import { docHref } from '../../lib/links';
import { browserStore, recordVisit } from '../../lib/recentDocs';
import { navigate } from '../../lib/router';
import { Icon } from '../Icon';

/** Imports one file as a new document and opens it; what the start page's drop target calls too. */
export function useImport() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const importFile = async (file: File) => {
    const type = importType(file.name);
    if (!type) {
      setError(`Can’t import “${file.name}”: choose ${IMPORT_KINDS}.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const title = titleFromFileName(file.name);
      const doc = await api.importDoc(file, type, title);
      recordVisit(browserStore(), { id: doc.id, token: doc.editToken, scope: 'edit', title });
      navigate(docHref(doc.id, doc.editToken));
    } catch (err) {
      setError(`Can’t import “${file.name}”: ${importFailure(err)}`);
      setBusy(false);
    }
  };
  return { busy, error, importFile };
}

interface Props {
  importer: ReturnType<typeof useImport>;
}

/** "Import": pick a Markdown, HTML, text or Word file; it becomes a new document. */
export function ImportButton({ importer }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="import-doc">
      <button type="button" className="btn btn--large" onClick={() => input.current?.click()} disabled={importer.busy} aria-busy={importer.busy} data-testid="import-doc">
        <Icon name="open" size={20} />
        {importer.busy ? 'Importing…' : 'Import'}
      </button>
      <input
        ref={input}
        type="file"
        accept={IMPORT_ACCEPT}
        hidden
        data-testid="import-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void importer.importFile(file);
        }}
      />
      <p className="muted import-doc__hint">or drop {IMPORT_KINDS} anywhere on this page</p>
      {importer.error && (
        <p className="form-error" role="alert" data-testid="import-error">
          {importer.error}
        </p>
      )}
    </div>
  );
}
