// No backends yet: what Vigil already watches, and two ways to add one.
import type { FormEvent, ReactElement } from 'react';
import { useState } from 'react';
import { buildAddBackend, EMPTY_FORM, type BackendFormFields } from '../lib/backend-form.js';
import { watchedProblems } from '../../electron/common/watch.js';
import { FitPreview } from './FitPreview.js';
import { useApi, useUi } from '../store/store.js';

function Field({ name, label, error, children }: { name: keyof BackendFormFields; label: string; error?: string; children: ReactElement }) {
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>{label}</label>
      {children}
      {error && (
        <p className="field-error" id={`e-${name}`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function FirstRun() {
  const api = useApi();
  const configPath = useUi((s) => s.state?.config.path);
  const watched = useUi((s) => s.state?.watched) ?? [];
  const problems = watchedProblems(watched, Date.now());
  const [f, setF] = useState<BackendFormFields>(EMPTY_FORM);
  const [errors, setErrors] = useState<Partial<Record<keyof BackendFormFields, string>>>({});
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const set = (k: keyof BackendFormFields) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const invalid = (k: keyof BackendFormFields) => (errors[k] ? { 'aria-invalid': true, 'aria-describedby': `e-${k}` } : {});

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const r = buildAddBackend(f);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    try {
      const res = await api.addBackend(r.request);
      setMsg({ ok: res.ok, text: res.message });
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
  };
  const openConfig = async (): Promise<void> => {
    try {
      const res = await api.openConfig();
      setMsg({ ok: res.ok, text: res.message });
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
  };

  return (
    <section className="first-run" data-testid="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">No backends yet</h2>
      {watched.length > 0 && (
        <p className={problems.text ? 'banner bad' : 'muted'} data-testid="first-run-watched">
          Vigil watches {watched.length === 1 ? '1 server' : `${watched.length} servers`} it did not start (below){problems.text ? `: ${problems.text}` : ''}.
        </p>
      )}
      <p>
        Even without backends Vigil watches this machine's RAM, swap and memory pressure, and every OOM kill the kernel reports (see
        Memory and OOM kills). Add a backend — llama-server, vLLM, whisper, anything with a command line — and Vigil starts it, probes its
        health, restarts it by policy and shows its memory and logs.
      </p>
      <p>
        <button type="button" onClick={() => void openConfig()}>
          Open config file
        </button>{' '}
        {configPath && <span className="muted small">{configPath}</span>}
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Add a backend">
        <Field name="id" label="Id" error={errors.id}>
          <input id="f-id" value={f.id} onChange={set('id')} placeholder="llama" {...invalid('id')} />
        </Field>
        <Field name="argv" label="Command (program, then one argument per line; ${PORT} is replaced)" error={errors.argv}>
          <textarea id="f-argv" rows={5} value={f.argv} onChange={set('argv')} placeholder={'/usr/bin/llama-server\n-m\n/models/model.gguf\n--port\n${PORT}'} {...invalid('argv')} />
        </Field>
        <FitPreview fields={f} />
        <Field name="port" label="Port (number or auto)" error={errors.port}>
          <input id="f-port" value={f.port} onChange={set('port')} {...invalid('port')} />
        </Field>
        <Field name="healthPath" label="Health path (empty: no HTTP probe)" error={errors.healthPath}>
          <input id="f-healthPath" value={f.healthPath} onChange={set('healthPath')} {...invalid('healthPath')} />
        </Field>
        <Field name="policy" label="Restart policy">
          <select id="f-policy" value={f.policy} onChange={set('policy')}>
            <option value="on-failure">on-failure</option>
            <option value="always">always</option>
            <option value="never">never</option>
          </select>
        </Field>
        <Field name="memoryLimit" label="Memory limit (e.g. 8GiB; empty: none)" error={errors.memoryLimit}>
          <input id="f-memoryLimit" value={f.memoryLimit} onChange={set('memoryLimit')} {...invalid('memoryLimit')} />
        </Field>
        <Field name="fitPolicy" label="If llama-server is predicted not to fit">
          <select id="f-fitPolicy" value={f.fitPolicy ?? 'warn'} onChange={set('fitPolicy')}>
            <option value="warn">warn, and start it</option>
            <option value="refuse">do not start it</option>
          </select>
        </Field>
        <button type="submit">Add backend</button>
      </form>
      {msg && (
        <p className={msg.ok ? 'result ok' : 'result bad'} role="status">
          {msg.text}
        </p>
      )}
    </section>
  );
}
