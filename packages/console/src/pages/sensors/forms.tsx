/**
 * Form views of Metron's sensor configs: parser (with field transformations), enrichment and threat
 * intel field maps, threat triage rules, indexing writers. Each form edits a draft (the config's
 * JSON) and hands every change up; keys it does not show are kept as they are. Stellar fields use
 * the in-browser StellarEditor.
 */
import { useId, useState } from 'react';
import type { Json, ParserInfo } from './sensor-api.ts';
import { StellarEditor } from './stellar-editor.tsx';

/** `obj` with `value` at `path` (objects copied along the way; undefined removes the key). */
export function setIn(obj: Json, path: readonly string[], value: unknown): Json {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const out: Json = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  out[head] = setIn(asObject(obj[head]), rest, value);
  return out;
}

export function asObject(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function asText(v: unknown): string {
  return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

/** "a, b" ↔ ["a", "b"]. */
function listText(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : '';
}
function textList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function Field({ label, value, onChange, placeholder, type = 'text' }: { label: string; value: string; onChange(v: string): void; placeholder?: string; type?: 'text' | 'number' }) {
  const id = useId();
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** A JSON object edited as text; a value that is not a JSON object is shown as an error and not handed up. */
export function JsonField({ label, value, onChange, rows = 4 }: { label: string; value: unknown; onChange(v: Json | undefined): void; rows?: number }) {
  const id = useId();
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="mono"
        rows={rows}
        value={text}
        spellCheck={false}
        aria-invalid={error !== null}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            const parsed = JSON.parse(e.target.value) as unknown;
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
            setError(null);
            onChange(parsed as Json);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && <span className="error" role="alert">{error}</span>}
    </div>
  );
}

/** A list of strings edited as lines (Metron's list form of Stellar assignments). */
function LinesField({ label, value, onChange }: { label: string; value: unknown[]; onChange(v: string[]): void }) {
  const id = useId();
  const [text, setText] = useState(() => value.map(asText).join('\n'));
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="mono"
        rows={Math.max(3, value.length + 1)}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onChange(e.target.value.split('\n').filter((l) => l.trim() !== ''));
        }}
      />
    </div>
  );
}

const TRANSFORMATIONS = ['STELLAR', 'REMOVE', 'RENAME', 'SELECT', 'REGEX_SELECT', 'IP_PROTOCOL'];

/** Stellar assignments (`name → expression`) as rows with the Stellar editor; nested groups stay JSON. */
function StellarAssignments({ title, config, onChange }: { title: string; config: Json; onChange(next: Json): void }) {
  const entries = Object.entries(config);
  const [newName, setNewName] = useState('');
  return (
    <fieldset className="assignments">
      <legend>{title}</legend>
      {entries.length === 0 && <p className="muted">None.</p>}
      {entries.map(([name, expr]) => (
        <div key={name} className="assignment">
          {typeof expr === 'string' ? (
            <StellarEditor label={name} value={expr} onChange={(v) => onChange({ ...config, [name]: v })} />
          ) : (
            <JsonField label={`${name} (group)`} value={expr} onChange={(v) => onChange({ ...config, [name]: v ?? {} })} />
          )}
          <button type="button" className="danger" aria-label={`Remove ${name}`} onClick={() => onChange(Object.fromEntries(entries.filter(([n]) => n !== name)))}>Remove</button>
        </div>
      ))}
      <div className="row">
        <input aria-label={`New field name for ${title}`} placeholder="new field name" value={newName} onChange={(e) => setNewName(e.target.value)} />
        <button type="button" disabled={newName.trim() === '' || Object.hasOwn(config, newName.trim())} onClick={() => { onChange({ ...config, [newName.trim()]: '' }); setNewName(''); }}>Add</button>
      </div>
    </fieldset>
  );
}

export function ParserForm({ config, onChange, parsers }: { config: Json; onChange(next: Json): void; parsers: ParserInfo[] }) {
  const className = asText(config['parserClassName']);
  const selected = parsers.find((p) => [p.className, p.shortName, p.id].some((n) => n.toLowerCase() === className.toLowerCase()));
  const transformations = asArray(config['fieldTransformations']).map(asObject);
  const setTransformations = (list: Json[]) => onChange(setIn(config, ['fieldTransformations'], list.length > 0 ? list : undefined));
  const parserId = useId();
  return (
    <div className="config-form">
      <div className="form-field">
        <label htmlFor={parserId}>Parser</label>
        <select id={parserId} value={selected?.className ?? className} onChange={(e) => onChange(setIn(config, ['parserClassName'], e.target.value))}>
          {!selected && <option value={className}>{className || '(choose)'}</option>}
          {parsers.map((p) => <option key={p.className} value={p.className}>{p.shortName} — {p.className}</option>)}
        </select>
        {selected && <span className="muted">{selected.description}</span>}
      </div>
      <div className="form-row">
        <Field label="Sensor topic" value={asText(config['sensorTopic'])} placeholder="(the sensor name)" onChange={(v) => onChange(setIn(config, ['sensorTopic'], v || undefined))} />
        <Field label="Output topic" value={asText(config['outputTopic'])} placeholder="enrichments" onChange={(v) => onChange(setIn(config, ['outputTopic'], v || undefined))} />
        <Field label="Filter class" value={asText(config['filterClassName'])} placeholder="(none), e.g. STELLAR" onChange={(v) => onChange(setIn(config, ['filterClassName'], v || undefined))} />
      </div>
      <JsonField label={`Parser config${selected && selected.configKeys.length > 0 ? ` (keys: ${selected.configKeys.join(', ')})` : ''}`} value={config['parserConfig']} onChange={(v) => onChange(setIn(config, ['parserConfig'], v))} />
      <h3>Field transformations</h3>
      {transformations.map((t, i) => {
        const update = (next: Json) => setTransformations(transformations.map((x, k) => (k === i ? next : x)));
        const kind = asText(t['transformation']) || 'STELLAR';
        return (
          <fieldset key={i} className="transformation">
            <legend>#{i + 1} {kind}</legend>
            <div className="form-row">
              <div className="form-field">
                <label htmlFor={`${parserId}-t${i}`}>Transformation</label>
                <select id={`${parserId}-t${i}`} value={kind} onChange={(e) => update(setIn(t, ['transformation'], e.target.value))}>
                  {TRANSFORMATIONS.map((n) => <option key={n}>{n}</option>)}
                </select>
              </div>
              <Field label="Input fields" value={listText(t['input'])} onChange={(v) => update(setIn(t, ['input'], v ? textList(v) : undefined))} />
              <Field label="Output fields" value={listText(t['output'])} onChange={(v) => update(setIn(t, ['output'], v ? textList(v) : undefined))} />
            </div>
            {kind === 'STELLAR'
              ? <StellarAssignments title="Assignments" config={asObject(t['config'])} onChange={(c) => update(setIn(t, ['config'], c))} />
              : <JsonField label="Config" value={t['config']} onChange={(c) => update(setIn(t, ['config'], c))} />}
            <button type="button" className="danger" onClick={() => setTransformations(transformations.filter((_, k) => k !== i))}>Remove transformation</button>
          </fieldset>
        );
      })}
      <button type="button" onClick={() => setTransformations([...transformations, { transformation: 'STELLAR', output: [], config: {} }])}>Add transformation</button>
    </div>
  );
}

/** One field map (`enrichment` or `threatIntel`): adapter → fields, and the Stellar adapter's assignments. */
function FieldMapForm({ title, section, onChange }: { title: string; section: Json; onChange(next: Json): void }) {
  const fieldMap = asObject(section['fieldMap']);
  const adapters = Object.entries(fieldMap).filter(([name]) => name !== 'stellar');
  const stellar = asObject(fieldMap['stellar']);
  const [adapter, setAdapter] = useState('');
  return (
    <fieldset className="field-map">
      <legend>{title}</legend>
      {adapters.map(([name, fields]) => (
        <div className="row" key={name}>
          <Field label={`${name}: fields`} value={listText(fields)} onChange={(v) => onChange(setIn(section, ['fieldMap', name], textList(v)))} />
          <button type="button" className="danger" aria-label={`Remove ${name} in ${title}`} onClick={() => onChange(setIn(section, ['fieldMap', name], undefined))}>Remove</button>
        </div>
      ))}
      <div className="row">
        <input aria-label={`Adapter to add to ${title}`} placeholder="adapter (geo, asset, hbaseThreatIntel…)" value={adapter} onChange={(e) => setAdapter(e.target.value)} />
        <button type="button" disabled={adapter.trim() === '' || Object.hasOwn(fieldMap, adapter.trim())} onClick={() => { onChange(setIn(section, ['fieldMap', adapter.trim()], [])); setAdapter(''); }}>Add adapter</button>
      </div>
      {Array.isArray(stellar['config']) ? (
        <LinesField
          label={`${title}: Stellar assignments, one per line (name := expression)`}
          value={stellar['config'] as unknown[]}
          onChange={(lines) => onChange(setIn(section, ['fieldMap', 'stellar'], { ...stellar, config: lines }))}
        />
      ) : (
        <StellarAssignments
          title={`${title}: Stellar`}
          config={asObject(stellar['config'])}
          onChange={(c) => onChange(setIn(section, ['fieldMap', 'stellar'], Object.keys(c).length > 0 ? { ...stellar, config: c } : undefined))}
        />
      )}
    </fieldset>
  );
}

export function EnrichmentForm({ config, onChange }: { config: Json; onChange(next: Json): void }) {
  return (
    <div className="config-form">
      <FieldMapForm title="Enrichment" section={asObject(config['enrichment'])} onChange={(s) => onChange(setIn(config, ['enrichment'], s))} />
      <FieldMapForm title="Threat intel" section={asObject(config['threatIntel'])} onChange={(s) => onChange(setIn(config, ['threatIntel'], s))} />
      <p className="muted">A message is an alert when a threat intel adapter matches or a Stellar assignment sets <code>is_alert</code>; triage rules then score it (Triage tab).</p>
    </div>
  );
}

export function TriageForm({ config, onChange, aggregators }: { config: Json; onChange(next: Json): void; aggregators: string[] }) {
  const triage = asObject(asObject(config['threatIntel'])['triageConfig']);
  const rules = asArray(triage['riskLevelRules']).map(asObject);
  const setTriage = (next: Json) => onChange(setIn(config, ['threatIntel', 'triageConfig'], next));
  const setRules = (list: Json[]) => setTriage(setIn(triage, ['riskLevelRules'], list));
  const aggId = useId();
  return (
    <div className="config-form">
      <div className="form-field">
        <label htmlFor={aggId}>Aggregator (how rule scores combine)</label>
        <select id={aggId} value={asText(triage['aggregator']) || 'MAX'} onChange={(e) => setTriage(setIn(triage, ['aggregator'], e.target.value))}>
          {(aggregators.length > 0 ? aggregators : ['MAX']).map((a) => <option key={a}>{a}</option>)}
        </select>
      </div>
      {rules.map((r, i) => {
        const update = (next: Json) => setRules(rules.map((x, k) => (k === i ? next : x)));
        return (
          <fieldset key={i} className="triage-rule">
            <legend>Rule {i + 1}: {asText(r['name']) || '(unnamed)'}</legend>
            <div className="form-row">
              <Field label="Name" value={asText(r['name'])} onChange={(v) => update(setIn(r, ['name'], v))} />
              <Field label="Score" value={asText(r['score'])} onChange={(v) => update(setIn(r, ['score'], v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v))} />
              <Field label="Comment" value={asText(r['comment'])} onChange={(v) => update(setIn(r, ['comment'], v || undefined))} />
            </div>
            <StellarEditor label="Rule (Stellar predicate)" value={asText(r['rule'])} onChange={(v) => update(setIn(r, ['rule'], v))} />
            <StellarEditor label="Reason (Stellar expression, optional)" value={asText(r['reason'])} onChange={(v) => update(setIn(r, ['reason'], v || undefined))} />
            <div className="row">
              <button type="button" disabled={i === 0} onClick={() => setRules(rules.map((x, k) => (k === i - 1 ? r : k === i ? (rules[i - 1] as Json) : x)))}>Move up</button>
              <button type="button" className="danger" onClick={() => setRules(rules.filter((_, k) => k !== i))}>Remove rule</button>
            </div>
          </fieldset>
        );
      })}
      <button type="button" onClick={() => setRules([...rules, { name: `rule ${rules.length + 1}`, rule: 'true', score: 10 }])}>Add rule</button>
    </div>
  );
}

const WRITERS = ['elasticsearch', 'hdfs', 'solr'];

export function IndexingForm({ config, onChange }: { config: Json; onChange(next: Json): void }) {
  return (
    <div className="config-form">
      {WRITERS.map((writer) => {
        const present = config[writer] !== undefined;
        const w = asObject(config[writer]);
        const update = (key: string, v: unknown) => onChange(setIn(config, [writer, key], v));
        return (
          <fieldset key={writer} className="writer">
            <legend>
              <label>
                <input type="checkbox" checked={present} onChange={(e) => onChange(setIn(config, [writer], e.target.checked ? { index: '', batchSize: 1, enabled: true } : undefined))} />{' '}
                {writer}{writer === 'hdfs' ? ' (Parquet archive)' : ' (search index)'}
              </label>
            </legend>
            {present && (
              <div className="form-row">
                <label className="inline"><input type="checkbox" checked={w['enabled'] !== false} onChange={(e) => update('enabled', e.target.checked)} /> enabled</label>
                <Field label="Index" value={asText(w['index'])} onChange={(v) => update('index', v)} />
                <Field label="Batch size" type="number" value={asText(w['batchSize'])} onChange={(v) => update('batchSize', v === '' ? undefined : Number(v))} />
                <Field label="Batch timeout (s)" type="number" value={asText(w['batchTimeout'])} onChange={(v) => update('batchTimeout', v === '' ? undefined : Number(v))} />
              </div>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}
