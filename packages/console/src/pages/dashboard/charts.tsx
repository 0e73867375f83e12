/** Hand-made SVG charts of the dashboard (no chart library: the console's bundle stays small). */
import { WORLD_LAND_PATH } from './world-outline.ts';

export const PALETTE = ['#1f5fbf', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#0b7285', '#e67700', '#5c940d', '#364fc7', '#a61e4d'];

type Bucket = { key: number; count: number };

const W = 560;
const H = 180;
const PAD = { left: 40, right: 8, top: 8, bottom: 22 };

function timeLabel(ms: number, span: number): string {
  const d = new Date(ms);
  return span > 2 * 86_400_000 ? `${d.getMonth() + 1}/${d.getDate()}` : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Lines (one per series) or bars (one series) of counts per time bucket, over [from, to]. */
export function TimeChart({ series, from, to, interval, bars = false, label }: { series: Array<{ name: string; buckets: Bucket[]; color: string }>; from: number; to: number; interval: number; bars?: boolean; label: string }) {
  const max = Math.max(1, ...series.flatMap((s) => s.buckets.map((b) => b.count)));
  const span = Math.max(1, to - from);
  const x = (t: number) => PAD.left + ((t - from) / span) * (W - PAD.left - PAD.right);
  const y = (c: number) => H - PAD.bottom - (c / max) * (H - PAD.top - PAD.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => from + f * span);
  const barWidth = Math.max(1, ((W - PAD.left - PAD.right) * interval) / span - 1);
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} width="100%">
      <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} stroke="#aab" />
      <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} stroke="#aab" />
      <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end">{max}</text>
      <text x={PAD.left - 4} y={H - PAD.bottom} textAnchor="end">0</text>
      {ticks.map((t) => <text key={t} x={x(t)} y={H - 6} textAnchor="middle">{timeLabel(t, span)}</text>)}
      {series.map((s) =>
        bars ? (
          <g key={s.name} fill={s.color}>
            {s.buckets.map((b) => <rect key={b.key} x={x(b.key)} y={y(b.count)} width={barWidth} height={H - PAD.bottom - y(b.count)}><title>{`${new Date(b.key).toLocaleString()}: ${b.count}`}</title></rect>)}
          </g>
        ) : (
          <polyline key={s.name} fill="none" stroke={s.color} strokeWidth={1.5} points={withZeros(s.buckets, from, to, interval).map((b) => `${x(b.key)},${y(b.count)}`).join(' ')}>
            <title>{s.name}</title>
          </polyline>
        ),
      )}
    </svg>
  );
}

/** The buckets with the empty ones between them as zeros (the store leaves empty buckets out). */
function withZeros(buckets: Bucket[], from: number, to: number, interval: number): Bucket[] {
  if (interval <= 0 || (to - from) / interval > 2000) return buckets;
  const byKey = new Map(buckets.map((b) => [b.key, b.count]));
  const out: Bucket[] = [];
  for (let k = Math.floor(from / interval) * interval; k <= to; k += interval) out.push({ key: k, count: byKey.get(k) ?? 0 });
  return out;
}

/** A ranked list with proportional bars. */
export function BarList({ items, label, onPick }: { items: Array<{ value: string; count: number }>; label: string; onPick?: (value: string) => void }) {
  const max = Math.max(1, ...items.map((i) => i.count));
  if (items.length === 0) return <p className="muted">No data in this range.</p>;
  return (
    <ul className="bars" aria-label={label}>
      {items.map((i) => (
        <li key={i.value}>
          <span className="label mono" title={i.value}>{onPick ? <button type="button" className="link" onClick={() => onPick(i.value)}>{i.value}</button> : i.value}</span>
          <span className="bar" style={{ width: `${(i.count / max) * 100}%` }} />
          <span className="num">{i.count}</span>
        </li>
      ))}
    </ul>
  );
}

/** Geo points on an equirectangular world map; circle area by count. */
export function WorldMap({ points }: { points: Array<{ lat: number; lon: number; count: number; field: string }> }) {
  const max = Math.max(1, ...points.map((p) => p.count));
  const colors: Record<string, string> = { ip_src_addr: '#d9480f', ip_dst_addr: '#1f5fbf' };
  return (
    <figure>
      <svg className="world" viewBox="0 0 360 180" role="img" aria-label={`World map with ${points.length} geo-enriched locations`}>
        <path d={WORLD_LAND_PATH} fill="#cfd8e3" stroke="#9aa8b8" strokeWidth={0.3} />
        {points.map((p, i) => (
          <circle key={i} cx={p.lon + 180} cy={90 - p.lat} r={1 + 4 * Math.sqrt(p.count / max)} fill={colors[p.field] ?? '#555'} fillOpacity={0.6} stroke="#fff" strokeWidth={0.2}>
            <title>{`${p.field === 'ip_src_addr' ? 'source' : 'destination'} ${p.lat}, ${p.lon}: ${p.count} events`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="legend">
        <span><i style={{ background: colors['ip_src_addr'] }} />sources</span>
        <span><i style={{ background: colors['ip_dst_addr'] }} />destinations</span>
        <span className="muted">{points.length} locations (enrichments.geo.*.location_point)</span>
      </figcaption>
    </figure>
  );
}
