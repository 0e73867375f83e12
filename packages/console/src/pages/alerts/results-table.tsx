/**
 * The results grid, virtualized: only the rows in view (plus a margin) are in the DOM, so a
 * 10,000-row result scrolls as smoothly as a 20-row one. Rows are fetched by the page in blocks
 * as they come into view (`onNeedRange`). Keyboard: arrows, Page Up/Down, Home/End move the
 * current row, Enter opens it, Space selects it (Shift+Space extends), Ctrl+A selects the loaded
 * rows. Headers sort on click.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactElement } from 'react';
import type { SearchResult, SortField } from '../../api.ts';
import { formatValue } from './format.ts';
import { scoreClass } from './query.ts';

export const ROW_HEIGHT = 30;
const OVERSCAN = 12;

export interface ResultsTableProps {
  columns: string[];
  /** Rows in the result (at most what can be paged to). */
  rowCount: number;
  row(index: number): SearchResult | undefined;
  onNeedRange(start: number, end: number): void;
  sort: SortField;
  onSort(field: string): void;
  selected: ReadonlySet<string>;
  onSelect(index: number, mode: 'toggle' | 'range'): void;
  onSelectAll(): void;
  openId: string | null;
  onOpen(index: number): void;
  /** Bumped whenever rows arrive, to re-render the visible ones. */
  version: number;
  /** Changes when the search itself changes (not on a refresh): back to the first row. */
  resetKey: string;
}

/** Width of a column by its field (px). */
function columnWidth(field: string): number {
  if (field === 'timestamp') return 170;
  if (field === 'threat.triage.score') return 70;
  if (field.endsWith('_port')) return 80;
  if (field.endsWith('_addr')) return 130;
  if (field === 'source.type') return 130;
  if (field === 'protocol' || field === 'alert_status') return 100;
  return 180;
}

function headerLabel(field: string): string {
  if (field === 'threat.triage.score') return 'score';
  if (field === 'source.type') return 'sensor';
  return field;
}

function Cell({ field, result }: { field: string; result: SearchResult }) {
  const source = result.source;
  const value = source[field];
  if (field === 'threat.triage.score') {
    const cls = scoreClass(value);
    return <span className={`score ${cls}`}>{value === undefined || value === null ? '–' : formatValue(field, value)}</span>;
  }
  if (field === 'alert_status') {
    const status = typeof value === 'string' ? value : 'NEW';
    return <span className={`status status-${status.toLowerCase()}`}>{status}</span>;
  }
  if (field === 'source.type' && value === 'metaalert') {
    const count = Array.isArray(source['metron_alert']) ? (source['metron_alert'] as unknown[]).length : source['count'];
    return <span className="meta-badge">meta-alert ({String(count ?? '?')})</span>;
  }
  return <>{formatValue(field, value)}</>;
}

const Row = memo(function Row(props: {
  index: number;
  result: SearchResult | undefined;
  columns: string[];
  selected: boolean;
  open: boolean;
  current: boolean;
  idPrefix: string;
  onClickRow(index: number, event: MouseEvent): void;
  onCheck(index: number, event: MouseEvent): void;
}) {
  const { index, result, columns, selected, open, current } = props;
  const classes = ['row', index % 2 ? 'odd' : '', selected ? 'selected' : '', open ? 'open' : '', current ? 'current' : ''].join(' ');
  return (
    <div
      role="row"
      id={`${props.idPrefix}-${index}`}
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={classes}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onClick={(e) => props.onClickRow(index, e)}
    >
      <div role="gridcell" className="cell check">
        <input type="checkbox" tabIndex={-1} aria-label={`Select row ${index + 1}`} checked={selected} disabled={!result} onClick={(e) => props.onCheck(index, e)} readOnly />
      </div>
      {result
        ? columns.map((c) => (
          <div role="gridcell" key={c} className="cell" style={{ width: columnWidth(c) }}>
            <Cell field={c} result={result} />
          </div>
        ))
        : <div role="gridcell" className="cell muted">loading…</div>}
    </div>
  );
});

export function ResultsTable(props: ResultsTableProps) {
  const { columns, rowCount, row, onNeedRange, sort, onSort, selected, onSelect, onSelectAll, openId, onOpen, version, resetKey } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });
  const [current, setCurrent] = useState(0);
  const idPrefix = 'result-row';

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = 0;
    setCurrent(0);
  }, [resetKey]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (el) setViewport({ top: el.scrollTop, height: el.clientHeight });
  }, []);

  const bodyTop = ROW_HEIGHT; // the sticky header's height
  // A fixed-size window of rows around the viewport. Each row keeps a slot (index modulo the
  // window), so while scrolling React updates the cells of the rows that moved out of view with
  // the rows coming in, instead of creating and removing DOM nodes every frame.
  const windowSize = Math.ceil(Math.max(0, viewport.height - bodyTop) / ROW_HEIGHT) + 1 + 2 * OVERSCAN;
  const first = Math.max(0, Math.min(Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN, rowCount - windowSize));
  const last = Math.min(rowCount, first + windowSize);

  useEffect(() => {
    if (rowCount > 0) onNeedRange(first, last);
  }, [first, last, rowCount, onNeedRange, version]);

  useEffect(() => {
    if (current >= rowCount && rowCount > 0) setCurrent(rowCount - 1);
  }, [rowCount, current]);

  function scrollToRow(index: number) {
    const el = scroller.current;
    if (!el) return;
    const top = index * ROW_HEIGHT;
    const visible = el.clientHeight - bodyTop;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + visible) el.scrollTop = top + ROW_HEIGHT - visible;
  }

  function move(to: number) {
    const next = Math.max(0, Math.min(rowCount - 1, to));
    setCurrent(next);
    scrollToRow(next);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (rowCount === 0) return;
    const page = Math.max(1, Math.floor((viewport.height - bodyTop) / ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown': move(current + 1); break;
      case 'ArrowUp': move(current - 1); break;
      case 'PageDown': move(current + page); break;
      case 'PageUp': move(current - page); break;
      case 'Home': move(0); break;
      case 'End': move(rowCount - 1); break;
      case 'Enter': onOpen(current); break;
      case ' ': onSelect(current, event.shiftKey ? 'range' : 'toggle'); break;
      case 'a':
        if (!(event.ctrlKey || event.metaKey)) return;
        onSelectAll();
        break;
      default: return;
    }
    event.preventDefault();
  }

  const onClickRow = useCallback((index: number, event: MouseEvent) => {
    setCurrent(index);
    if (event.shiftKey) onSelect(index, 'range');
    else if (event.ctrlKey || event.metaKey) onSelect(index, 'toggle');
    else onOpen(index);
  }, [onOpen, onSelect]);

  const onCheck = useCallback((index: number, event: MouseEvent) => {
    event.stopPropagation();
    setCurrent(index);
    onSelect(index, event.shiftKey ? 'range' : 'toggle');
  }, [onSelect]);

  const rows: ReactElement[] = new Array<ReactElement>(last - first);
  for (let i = first; i < last; i++) {
    const result = row(i);
    const slot = i % windowSize;
    rows[slot % rows.length] = (
      <Row
        key={slot}
        index={i}
        result={result}
        columns={columns}
        selected={result ? selected.has(result.id) : false}
        open={result !== undefined && result.id === openId}
        current={i === current}
        idPrefix={idPrefix}
        onClickRow={onClickRow}
        onCheck={onCheck}
      />
    );
  }
  const width = 36 + columns.reduce((sum, c) => sum + columnWidth(c), 0);
  const allSelected = rowCount > 0 && selected.size >= rowCount;

  return (
    <div
      className="results"
      ref={scroller}
      onScroll={onScroll}
      role="grid"
      aria-label="Search results"
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length + 1}
      aria-multiselectable="true"
      aria-activedescendant={rowCount > 0 ? `${idPrefix}-${current}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-version={version}
    >
      <div role="row" aria-rowindex={1} className="row header" style={{ width }}>
        <div role="columnheader" className="cell check">
          <input type="checkbox" aria-label="Select all loaded rows" checked={allSelected} onChange={onSelectAll} tabIndex={-1} />
        </div>
        {columns.map((c) => {
          const sorted = sort.field === c;
          return (
            <div role="columnheader" key={c} className="cell" style={{ width: columnWidth(c) }} aria-sort={sorted ? (sort.sortOrder === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <button type="button" className="sort" onClick={() => onSort(c)} title={`Sort by ${c}`}>
                {headerLabel(c)} {sorted ? (sort.sortOrder === 'asc' ? '▲' : '▼') : ''}
              </button>
            </div>
          );
        })}
      </div>
      <div className="rows" style={{ height: rowCount * ROW_HEIGHT, width }} role="rowgroup">
        {rows}
      </div>
    </div>
  );
}
