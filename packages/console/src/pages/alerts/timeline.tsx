/**
 * A strip of bars: how many results per time bucket over the chosen range (`/search/histogram`
 * with the page's query). Dragging across it, or clicking a bar, narrows the time range to it.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { api, type HistogramResponse } from '../../api.ts';
import { formatTime } from './format.ts';

const NICE_INTERVALS = [1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000, 7 * 86_400_000];

/** A bucket width giving about `bars` buckets over `span` ms. */
export function bucketInterval(span: number, bars = 60): number {
  const wanted = span / bars;
  return NICE_INTERVALS.find((i) => i >= wanted) ?? NICE_INTERVALS[NICE_INTERVALS.length - 1]!;
}

export interface TimelineProps {
  query: string;
  from: number;
  to: number;
  /** Changes when the results are refreshed. */
  refreshKey: number;
  onRange(from: number, to: number): void;
}

export function Timeline({ query, from, to, refreshKey, onRange }: TimelineProps) {
  const [histogram, setHistogram] = useState<HistogramResponse | null>(null);
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const interval = bucketInterval(to - from);

  useEffect(() => {
    const controller = new AbortController();
    api.histogram({ indices: [], query, interval }, controller.signal).then(setHistogram, () => setHistogram(null));
    return () => controller.abort();
  }, [query, interval, refreshKey]);

  const first = Math.floor(from / interval) * interval;
  const count = Math.max(1, Math.ceil((to - first) / interval));
  const counts = new Array<number>(count).fill(0);
  for (const b of histogram?.buckets ?? []) {
    const i = Math.floor((b.key - first) / interval);
    if (i >= 0 && i < count) counts[i]! += b.count;
  }
  const max = Math.max(1, ...counts);

  function timeAt(event: PointerEvent<HTMLDivElement>): number {
    const rect = box.current!.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
    return first + x * count * interval;
  }

  function finish() {
    if (!drag) return;
    const a = Math.min(drag.start, drag.end);
    const b = Math.max(drag.start, drag.end);
    setDrag(null);
    if (b - a < interval) {
      const start = Math.floor(a / interval) * interval;
      onRange(start, start + interval);
    } else onRange(Math.floor(a), Math.ceil(b));
  }

  const left = drag ? ((Math.min(drag.start, drag.end) - first) / (count * interval)) * 100 : 0;
  const width = drag ? (Math.abs(drag.end - drag.start) / (count * interval)) * 100 : 0;
  return (
    <div className="timeline" aria-label={`Results over time, ${formatTime(from)} to ${formatTime(to)}, one bar per ${interval / 1000} s; drag to narrow the range`} role="img">
      <div
        className="bars"
        ref={box}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const t = timeAt(e);
          setDrag({ start: t, end: t });
        }}
        onPointerMove={(e) => drag && setDrag({ ...drag, end: timeAt(e) })}
        onPointerUp={finish}
      >
        {counts.map((c, i) => (
          <div key={i} className="bar" style={{ height: `${(c / max) * 100}%`, width: `${100 / count}%`, left: `${(i * 100) / count}%` }} title={`${formatTime(first + i * interval)}: ${c}`} />
        ))}
        {drag && <div className="brush" style={{ left: `${left}%`, width: `${width}%` }} />}
      </div>
      <div className="axis"><span>{formatTime(from)}</span><span>{formatTime(to)}</span></div>
    </div>
  );
}
