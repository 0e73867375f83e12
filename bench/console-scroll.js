// Scenario: scrolling a 10,000-row result in the web console, in Debian's Chromium (headless,
// playwright-core) against `metron start` with 10,000 Bro records ingested. The grid is
// scrolled top to bottom by 20 rows per animation frame, twice: first while row blocks are still
// being fetched, then over the loaded rows. Prints frame intervals (median, p95, max), long
// frames (> 50 ms), the most rows ever in the DOM, and the browser's main-thread CPU per frame
// (script + layout + style, from the DevTools Performance domain).
/* global document, requestAnimationFrame -- code passed to page.evaluate runs in the browser */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROWS = 10_000;
const PASSWORD = 'bench-admin-password-1';
const CHROMIUM = '/usr/bin/chromium';

async function startMetron(dir) {
  const configDir = join(dir, 'config');
  await cp(join(ROOT, 'packages/cli/config'), configDir, { recursive: true });
  await writeFile(join(configDir, 'sources.json'), '[]');
  const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/metron.js'), 'start', '--config-dir', configDir, '--data-dir', join(dir, 'data'), '--port', '0'], {
    env: { ...process.env, METRON_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`metron did not start:\n${out}`)), 60_000);
    const onData = (d) => {
      out += d.toString();
      const m = /Metron is up at (http:\/\/[0-9.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`metron exited with ${code}:\n${out}`)));
  });
  return { url, child };
}

async function call(url, path, body, headers = {}) {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64'), 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return res.json().catch(() => ({}));
}

function quantile(sorted, q) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Scrolls the grid to the bottom, 20 rows a frame, and answers the frame intervals and the DOM row peak. */
function scrollPass(page) {
  return page.evaluate(async () => {
    const grid = document.querySelector('.results');
    grid.scrollTop = 0;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const intervals = [];
    let peakRows = 0;
    let last = performance.now();
    while (grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1) {
      grid.scrollTop += 20 * 30;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      intervals.push(now - last);
      last = now;
      peakRows = Math.max(peakRows, grid.querySelectorAll('.rows .row').length);
    }
    return { intervals, peakRows };
  });
}

async function mainThreadMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
  return (get('ScriptDuration') + get('LayoutDuration') + get('RecalcStyleDuration')) * 1000;
}

function summarize(pass, cpuMs) {
  const sorted = pass.intervals.slice().sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return {
    frames: sorted.length,
    frame_ms_median: r(quantile(sorted, 0.5)),
    frame_ms_p95: r(quantile(sorted, 0.95)),
    frame_ms_max: r(sorted[sorted.length - 1] ?? 0),
    long_frames_over_50ms: sorted.filter((x) => x > 50).length,
    dom_rows_peak: pass.peakRows,
    main_thread_ms_per_frame: r(cpuMs / Math.max(1, sorted.length)),
  };
}

export async function consoleScroll() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  if (!existsSync(join(ROOT, 'packages/console/dist/index.html'))) throw new Error('the console is not built: run npm run build');
  const dir = await mkdtemp(join(tmpdir(), 'metron-bench-console-'));
  const { url, child } = await startMetron(dir);
  let browser;
  try {
    const now = Date.now();
    const lines = Array.from({ length: ROWS }, (_, i) => JSON.stringify({
      conn: { ts: (now - i * 10) / 1000, uid: `C10K${String(i).padStart(5, '0')}`, 'id.orig_h': `10.9.${i % 200}.${i % 250}`, 'id.orig_p': 1024 + i, 'id.resp_h': '10.9.0.2', 'id.resp_p': 443, proto: 'tcp' },
    }));
    await call(url, '/api/v1/ingest/bro', lines.join('\n'), { 'content-type': 'application/x-ndjson' });
    for (let i = 0; i < 600; i++) {
      const answer = await call(url, '/api/v1/search/search', { indices: ['bro'], query: 'uid:C10K*', size: 0 });
      if (answer.total === ROWS) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page.setDefaultTimeout(60_000);
    await page.goto(url + '/');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByLabel('Alerts only').uncheck();
    await page.getByLabel('Time range').selectOption('all');
    await page.getByRole('combobox', { name: 'Search query (Lucene syntax)' }).fill('uid:C10K*');
    await page.keyboard.press('Enter');
    await page.getByText(`${ROWS.toLocaleString('en-US')} results`).waitFor({ timeout: 60_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    let before = await mainThreadMs(cdp);
    const cold = await scrollPass(page);
    const coldCpu = (await mainThreadMs(cdp)) - before;
    // wait for every block, then scroll over loaded rows
    await page.waitForFunction(() => ![...document.querySelectorAll('.rows .row')].some((r) => r.textContent?.includes('loading')), null, { timeout: 60_000 });
    before = await mainThreadMs(cdp);
    const warm = await scrollPass(page);
    const warmCpu = (await mainThreadMs(cdp)) - before;
    return { rows: ROWS, rows_per_frame: 20, while_loading: summarize(cold, coldCpu), loaded: summarize(warm, warmCpu) };
  } finally {
    await browser?.close().catch(() => {});
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
}
