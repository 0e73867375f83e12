/**
 * A text table in the layout of the FlipTable library Metron's THREAT_TRIAGE_PRINT uses: double
 * borders outside, single rules between rows, one space of padding, multi-line cells, and a
 * "(empty)" row when there is no data.
 */
export function flipTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const columns = headers.length;
  const linesOf = (text: string): string[] => text.split('\n');
  const widths = headers.map((h, i) => {
    let w = Math.max(...linesOf(h).map((l) => l.length));
    for (const row of rows) w = Math.max(w, ...linesOf(row[i] ?? '').map((l) => l.length));
    return w;
  });
  const border = (left: string, fill: string, join: string, right: string): string =>
    `${left}${widths.map((w) => fill.repeat(w + 2)).join(join)}${right}\n`;
  const row = (cells: readonly string[]): string => {
    const split = cells.map(linesOf);
    const height = Math.max(...split.map((l) => l.length));
    let out = '';
    for (let line = 0; line < height; line++) {
      out += `║${widths.map((w, i) => ` ${(split[i]?.[line] ?? '').padEnd(w)} `).join('│')}║\n`;
    }
    return out;
  };

  let out = border('╔', '═', '╤', '╗') + row(headers);
  if (rows.length === 0) {
    const inner = widths.reduce((sum, w) => sum + w + 2, 0) + columns - 1;
    out += border('╠', '═', '╧', '╣');
    out += `║${' (empty)'.padEnd(inner)}║\n`;
    out += `╚${'═'.repeat(inner)}╝\n`;
    return out;
  }
  out += border('╠', '═', '╪', '╣');
  out += rows.map((r) => row(r)).join(border('╟', '─', '┼', '╢'));
  out += border('╚', '═', '╧', '╝');
  return out;
}
