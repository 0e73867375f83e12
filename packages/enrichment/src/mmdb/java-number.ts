/**
 * Java's text for the numbers Metron's geo enrichment writes: Metron stores coordinates with
 * `String.valueOf(Double)`, so 51.0 is "51.0", 1.0E-4 is "1.0E-4" and 47.2513 is "47.2513".
 */

/** Java's `Double.toString` (shortest digits that read back to the same double, Java's layout). */
export function javaDoubleText(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    // JavaScript writes plain decimals in this range, with the same shortest digits
    const text = String(d);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '0', exponent = '0'] = d.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/**
 * A coordinate stored as a 32-bit float (the ip-location-db databases do) written with the
 * shortest digits that read back to the same float, so 37.422000885009766 is "37.422" as the
 * source CSV had it; then laid out as Java's Double.toString.
 */
export function floatCoordinateText(f: number): string {
  if (!Number.isFinite(f) || f === 0 || Math.fround(f) !== f) return javaDoubleText(f);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return javaDoubleText(candidate);
  }
  return javaDoubleText(f);
}
