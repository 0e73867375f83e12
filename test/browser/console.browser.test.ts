/**
 * The web console in a real browser (Debian's Chromium via playwright-core) against
 * `metron start --demo`: log in, see alerts arrive, filter by a facet, open an alert, change its
 * status and comment, create a meta-alert, and lose the session. Each step leaves a screenshot in
 * test-artifacts/console/. The steps use the keyboard and the ARIA names a screen reader would.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_PASSWORD, api } from '../helpers.js';
import { launchChromium } from './chromium.js';
import { startDemo, type RunningMetron } from './metron-process.js';

/** UI changes wait for a server round trip: generous on a loaded machine. */
const POLL = { timeout: 15_000, interval: 100 };
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));

let metron: RunningMetron;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: false });
}

/** The number in the "N results" status line. */
async function resultCount(): Promise<number> {
  const text = (await page.locator('.result-count').textContent()) ?? '';
  const m = /^([\d,]+) result/.exec(text);
  return m ? Number(m[1]!.replace(/,/g, '')) : -1;
}

/** Text of one column's cells in the rendered rows, in row order (rows reuse DOM slots). */
async function columnTexts(column: number): Promise<string[]> {
  const rows = await page.locator('.rows .row').evaluateAll((els, c) => els.map((row) => ({
    index: Number(row.getAttribute('aria-rowindex')),
    text: row.querySelectorAll('[role=gridcell]')[c + 1]?.textContent ?? '',
  })), column);
  return rows.sort((a, b) => a.index - b.index).map((r) => r.text);
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  [metron, browser] = await Promise.all([startDemo(), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
}, 600_000); // a fresh machine installs Chromium first

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await metron?.stop();
});

describe('web console in Chromium against metron start --demo', () => {
  it('logs in with the keyboard, refusing a wrong password first', async () => {
    const answer = await page.goto(metron.url + '/');
    expect(answer?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Metron' }).waitFor();
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('invalid user name or password');
    await shot('01-login-refused');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(page.url()).toBe(metron.url + '/alerts');
    expect(await page.getByRole('link', { name: 'Alerts' }).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('footer').textContent()).toContain('IP Geolocation by DB-IP');
  }, 60_000);

  it('shows alerts as they arrive (auto-refresh)', async () => {
    // the first search may come before the demo's first alert is indexed: auto-refresh brings them
    await page.getByLabel('Auto-refresh').check();
    await expect.poll(resultCount, { timeout: 40_000, interval: 500 }).toBeGreaterThan(0);
    const first = await resultCount();
    await expect.poll(resultCount, { timeout: 40_000, interval: 500 }).toBeGreaterThan(first);
    await page.getByLabel('Auto-refresh').uncheck();
    const rows = await page.locator('.rows .row').count();
    expect(rows).toBeGreaterThan(0);
    // every listed row is an alert with a coloured score
    const scores = await page.locator('.rows .row .score').evaluateAll((els) => els.map((e) => e.className));
    expect(scores.length).toBe(rows);
    expect(scores.every((c) => /score-(low|medium|high|critical)/.test(c))).toBe(true);
    await shot('02-alerts');
    // clicking the timeline's last bar narrows the range to that bucket, which holds alerts
    const bars = page.locator('.timeline .bars');
    const box = (await bars.boundingBox())!;
    await bars.click({ position: { x: box.width - 2, y: box.height / 2 } });
    await expect.poll(() => page.getByLabel('Time range').inputValue(), POLL).toBe('absolute');
    expect(page.url()).toMatch(/range=\d+-\d+/);
    await expect.poll(resultCount, POLL).toBeGreaterThan(0);
    await page.getByLabel('Time range').selectOption({ label: 'Last 24 hours' });
    await expect.poll(resultCount, POLL).toBeGreaterThanOrEqual(first);
  }, 90_000);

  it('filters by a facet value and excludes one with shift-click', async () => {
    const rules = page.getByRole('region', { name: 'Facet threat.triage.rules.0.name' });
    const knownBad = rules.getByRole('button', { name: /^Known-bad address/ });
    await knownBad.waitFor();
    const facetCount = Number(((await knownBad.locator('.facet-count').textContent()) ?? '').replace(/,/g, ''));
    expect(facetCount).toBeGreaterThan(0);
    await knownBad.click();
    await page.getByRole('button', { name: 'Remove filter threat.triage.rules.0.name Known-bad address' }).waitFor();
    // the result is exactly the facet's count (no refresh in between: new alerts may have come)
    await expect.poll(resultCount, POLL).toBeGreaterThanOrEqual(facetCount);
    await expect.poll(async () => new Set(await columnTexts(10)), POLL).toEqual(new Set(['Known-bad address']));
    const filtered = await resultCount();
    const server = await api(metron.url, 'POST', '/api/v1/search/search', { indices: [], query: 'is_alert:true AND threat.triage.rules.0.name:"Known-bad address"', size: 0 });
    expect(server.json.total).toBeGreaterThanOrEqual(filtered);

    // shift-click: exclude the most frequent protocol among them
    const protocols = page.getByRole('region', { name: 'Facet protocol' });
    const top = protocols.locator('.facet-value').first();
    const excluded = (await top.locator('.facet-name').textContent())!;
    await top.click({ modifiers: ['Shift'] });
    await page.getByRole('button', { name: `Remove filter not protocol ${excluded}` }).waitFor();
    await expect.poll(async () => (await columnTexts(7)).length > 0 && !(await columnTexts(7)).includes(excluded), POLL).toBe(true);
    await shot('03-facet-filter');
    await page.getByRole('button', { name: `Remove filter not protocol ${excluded}` }).click();
  }, 60_000);

  it('opens an alert from the keyboard: network, triage rule with reason, enrichments, raw message', async () => {
    const grid = page.getByRole('grid', { name: 'Search results' });
    await grid.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    const details = page.locator('aside.details');
    await details.getByRole('heading', { name: /^Alert / }).waitFor();
    const guid = ((await details.locator('#details-title .mono').textContent()) ?? '').trim();
    expect(guid).not.toBe('');
    await details.getByRole('definition').first().waitFor();
    const network = details.getByLabel('Network', { exact: true });
    expect(await network.textContent()).toMatch(/ip_src_addr\d+\.\d+\.\d+\.\d+/);
    const triage = details.locator('table.rules');
    expect(await triage.textContent()).toContain('Known-bad address');
    expect(await triage.textContent()).toContain('talked to');
    await details.getByRole('heading', { name: 'Raw message' }).click();
    expect(await details.getByLabel('original_string').textContent()).not.toBe('');
    await shot('04-alert-details');
    // the view is in the address: a reload shows the same filter and the same alert
    await page.reload();
    await details.getByRole('heading', { name: /^Alert / }).waitFor();
    expect(((await details.locator('#details-title .mono').textContent()) ?? '').trim()).toBe(guid);
    await page.getByRole('button', { name: 'Remove filter threat.triage.rules.0.name Known-bad address' }).waitFor();
    page.setDefaultTimeout(15_000);
    (globalThis as any).openedGuid = guid;
  }, 60_000);

  it('changes the status, assigns and comments; the history shows who did it', async () => {
    const guid: string = (globalThis as any).openedGuid;
    const details = page.locator('aside.details');
    const statuses = details.getByRole('group', { name: 'Set status' });
    await statuses.getByRole('button', { name: 'ESCALATE' }).click();
    await expect.poll(() => statuses.getByRole('button', { name: 'ESCALATE' }).getAttribute('aria-pressed'), POLL).toBe('true');
    // the assignee field suggests the users of this server
    const assigneeField = details.getByLabel('Assignee');
    const listId = await assigneeField.getAttribute('list');
    await expect.poll(() => page.locator(`datalist#${listId} option`).evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value)), POLL).toEqual(['admin']);
    await details.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => details.locator('.summary').textContent(), POLL).toContain('assigned to admin');
    await details.getByLabel('New comment').fill('Looks like beaconing; escalating to tier 2.');
    await details.getByRole('button', { name: 'Comment' }).click();
    const comments = details.locator('.comments li');
    await expect.poll(() => comments.count(), POLL).toBe(1);
    expect(await comments.first().textContent()).toContain('admin');
    expect(await comments.first().textContent()).toContain('Looks like beaconing; escalating to tier 2.');
    await details.getByRole('heading', { name: 'History' }).click();
    const history = details.getByRole('table', { name: 'Audit history' });
    await expect.poll(() => history.textContent(), POLL).toContain('alert_status');
    expect(await history.textContent()).toContain('"ESCALATE"');
    expect(await history.textContent()).toContain('comments');
    await shot('05-status-comment-history');

    // the server has it
    const sensor = (await details.locator('.summary strong').first().textContent())!;
    const doc = await api(metron.url, 'POST', '/api/v1/search/findOne', { guid, sensorType: sensor });
    expect(doc.json.alert_status).toBe('ESCALATE');
    expect(doc.json.alert_assignee).toBe('admin');
    expect(doc.json.comments).toEqual([expect.objectContaining({ comment: 'Looks like beaconing; escalating to tier 2.', username: 'admin' })]);
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
  }, 60_000);

  it('creates a meta-alert from two selected alerts, adds a third, and sets its status on all of them', async () => {
    const rows = page.locator('.rows .row');
    await rows.nth(1).waitFor();
    const guids: string[] = [];
    for (const i of [0, 1]) {
      await rows.nth(i).getByRole('checkbox').click();
    }
    await expect.poll(() => page.getByRole('toolbar', { name: 'Selected alerts' }).textContent(), POLL).toContain('2 selected');
    await page.getByRole('button', { name: 'Create meta-alert' }).click();
    const details = page.locator('aside.details');
    await details.getByRole('heading', { name: /^Meta-alert / }).waitFor();
    await details.getByText('Alerts in this meta-alert (2)').waitFor();
    const metaGuid = ((await details.locator('#details-title .mono').textContent()) ?? '').trim();
    for (const label of await details.locator('.children li button.icon').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))) {
      guids.push(/Remove alert (\S+) from/.exec(label)![1]!);
    }
    expect(guids).toHaveLength(2);
    // an alert of it links back to it
    await details.locator('.children li button.link').first().click();
    await details.getByRole('heading', { name: /^Alert / }).waitFor();
    await details.getByRole('button', { name: metaGuid }).click();
    await details.getByRole('heading', { name: /^Meta-alert / }).waitFor();

    // add one more alert to it
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const plain = page.locator('.rows .row').filter({ hasNot: page.locator('.meta-badge') }).filter({ hasText: 'bro' }).first();
    await plain.getByRole('checkbox').click();
    await page.getByRole('button', { name: 'Add to meta-alert…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add 1 alert to a meta-alert' });
    await dialog.getByRole('button', { name: new RegExp(metaGuid) }).click();
    await details.getByText('Alerts in this meta-alert (3)').waitFor();
    guids.length = 0;
    for (const label of await details.locator('.children li button.icon').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))) {
      guids.push(/Remove alert (\S+) from/.exec(label)![1]!);
    }
    expect(guids).toHaveLength(3);

    await details.getByRole('group', { name: 'Set status' }).getByRole('button', { name: 'RESOLVE' }).click();
    await expect.poll(() => details.getByRole('group', { name: 'Set status' }).getByRole('button', { name: 'RESOLVE' }).getAttribute('aria-pressed'), POLL).toBe('true');
    await shot('06-meta-alert');
    const found = await api(metron.url, 'POST', '/api/v1/metaalert/searchByAlert', { guid: guids[0] });
    expect(found.json.results.map((r: any) => r.id)).toContain(metaGuid);
    for (const guid of guids) {
      const sensor = found.json.results[0].source.metron_alert.find((a: any) => a.guid === guid)['source.type'];
      const doc = await api(metron.url, 'POST', '/api/v1/search/findOne', { guid, sensorType: sensor });
      expect(doc.json.alert_status).toBe('RESOLVE');
      expect(doc.json.metaalerts).toContain(metaGuid);
    }
  }, 60_000);

  it('sets the status of a shift-click range of selected alerts at once', async () => {
    const dismissed = async () => (await api(metron.url, 'POST', '/api/v1/search/search', { indices: [], query: 'alert_status:DISMISS', size: 0 })).json.total;
    expect(await dismissed()).toBe(0);
    await page.getByRole('button', { name: 'Close details' }).click();
    const rows = page.locator('.rows .row').filter({ hasNot: page.locator('.meta-badge') });
    await rows.nth(0).getByRole('checkbox').click();
    await rows.nth(2).getByRole('checkbox').click({ modifiers: ['Shift'] });
    const toolbar = page.getByRole('toolbar', { name: 'Selected alerts' });
    const selected = Number(/(\d+) selected/.exec((await toolbar.textContent()) ?? '')?.[1]);
    expect(selected).toBeGreaterThanOrEqual(3);
    await toolbar.getByRole('button', { name: 'DISMISS' }).click();
    await page.getByText(`${selected} set to DISMISS`).waitFor();
    await expect.poll(dismissed, POLL).toBeGreaterThanOrEqual(selected);
    await page.getByRole('button', { name: 'Clear selection' }).click();
  }, 60_000);

  it('searches with field autocomplete and scrolls a 10,000-row result with a bounded number of rows in the page', async () => {
    const now = Date.now();
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({
      conn: { ts: (now - i * 10) / 1000, uid: `C10K${String(i).padStart(5, '0')}`, 'id.orig_h': '10.9.0.1', 'id.orig_p': 1024 + (i % 60000), 'id.resp_h': '10.9.0.2', 'id.resp_p': 443, proto: 'tcp' },
    }));
    const ingested = await api(metron.url, 'POST', '/api/v1/ingest/bro', lines.join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(ingested.status).toBe(202);
    const query = 'uid:C10K*';
    await expect.poll(async () => (await api(metron.url, 'POST', '/api/v1/search/search', { indices: ['bro'], query, size: 0 })).json.total, { timeout: 60_000, interval: 500 }).toBe(10_000);

    // a query the server cannot run says where
    const search = page.getByRole('combobox', { name: 'Search query (Lucene syntax)' });
    await search.fill('ip_src_addr:(10.0.0.1');
    await page.keyboard.press('Enter');
    // the caret points into what the analyst typed, not into the time and filter clauses around it
    await expect.poll(() => page.locator('.query-error').textContent(), POLL).toContain('^');
    expect((await page.locator('.query-error').textContent())!.split('\n')).toContain('ip_src_addr:(10.0.0.1');
    expect(await search.getAttribute('aria-invalid')).toBe('true');
    await shot('07-query-error');
    // saved searches: named in a dialog that keeps the keyboard inside it
    await search.fill('ip_src_addr:203.0.113.66');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const saveDialog = page.getByRole('dialog', { name: 'Save search' });
    const nameField = saveDialog.getByLabel('Name');
    await expect.poll(() => nameField.evaluate((el) => el === el.ownerDocument.activeElement), POLL).toBe(true);
    expect(await nameField.inputValue()).toBe('ip_src_addr:203.0.113.66');
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
      expect(await saveDialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    }
    await nameField.fill('bad sources');
    await nameField.press('Enter');
    await saveDialog.waitFor({ state: 'detached' });
    // the focus is back where it was
    expect(await page.getByRole('button', { name: 'Save', exact: true }).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.getByRole('button', { name: 'Searches ▾' }).click();
    expect(await page.getByRole('dialog', { name: 'Saved and recent searches' }).getByRole('button', { name: 'bad sources', exact: true }).getAttribute('title')).toBe('ip_src_addr:203.0.113.66');
    await page.getByRole('button', { name: 'Searches ▾' }).click();
    await search.fill('');

    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.getByLabel('Alerts only').uncheck();
    await page.getByLabel('Time range').selectOption('all');
    await page.locator('.result-count').click();
    await page.keyboard.press('/');
    await expect.poll(() => search.evaluate((e) => e === e.ownerDocument.activeElement), POLL).toBe(true);
    await page.keyboard.type('ui');
    const suggestions = page.getByRole('listbox', { name: 'Field names' });
    await expect.poll(() => suggestions.getByRole('option').allTextContents(), POLL).toContain('uid');
    const options = await suggestions.getByRole('option').allTextContents();
    for (let i = 0; i < options.indexOf('uid'); i++) await page.keyboard.press('ArrowDown');
    // accepting the suggestion and typing on at once: the caret is after "uid:" for the next key
    await page.keyboard.press('Enter');
    await page.keyboard.type('C10K*');
    expect(await search.inputValue()).toBe('uid:C10K*');
    await page.keyboard.press('Enter');
    try {
      await expect.poll(resultCount, { timeout: 20_000 }).toBe(10_000);
    } catch (err) {
      await shot('failed-10k-search');
      throw new Error(`${(err as Error).message}; page at ${page.url()}`);
    }

    const grid = page.getByRole('grid', { name: 'Search results' });
    expect(await grid.getAttribute('aria-rowcount')).toBe('10001');
    await grid.focus();
    await page.keyboard.press('End');
    const lastRow = page.locator('.rows .row[aria-rowindex="10001"]');
    await expect.poll(() => lastRow.textContent(), { timeout: 20_000 }).toContain('10.9.0.1');
    // sorted by time, newest first: the last row is the oldest record
    const renderedRows = await page.locator('.rows .row').count();
    expect(renderedRows).toBeGreaterThan(10);
    expect(renderedRows).toBeLessThan(120);
    // the middle loads on the way back up
    for (let i = 0; i < 20; i++) await page.keyboard.press('PageUp');
    await expect.poll(async () => (await page.locator('.rows .row').allTextContents()).some((t) => t.includes('loading')), POLL).toBe(false);
    expect(await page.locator('.rows .row').count()).toBeLessThan(120);
    await shot('08-10k-rows');
    // a refresh keeps the rows in view on screen while their blocks are fetched again
    const flashed = await page.evaluate(() => new Promise<boolean>((resolve) => {
      const doc = (globalThis as any).document;
      const rows = doc.querySelector('.rows');
      let seen = false;
      const observer = new (globalThis as any).MutationObserver(() => {
        if (rows.textContent.includes('loading')) seen = true;
      });
      observer.observe(rows, { subtree: true, childList: true, characterData: true });
      doc.querySelector('button[aria-label="Refresh now"]').click();
      setTimeout(() => {
        observer.disconnect();
        resolve(seen);
      }, 3000);
    }));
    expect(flashed).toBe(false);
    // saved in the recent searches
    await page.getByRole('button', { name: 'Searches ▾' }).click();
    expect(await page.getByRole('dialog', { name: 'Saved and recent searches' }).textContent()).toContain('uid:C10K*');
    await page.getByRole('button', { name: 'Searches ▾' }).click();
  }, 120_000);

  it('changes the columns and sorts the whole result by one', async () => {
    await page.getByRole('button', { name: 'Columns…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Columns and facets' });
    await dialog.getByRole('button', { name: 'Remove alert_assignee' }).first().click();
    await dialog.getByLabel('Add to Columns').fill('uid');
    await dialog.getByLabel('Add to Columns').press('Enter');
    await dialog.getByRole('button', { name: 'Done' }).click();
    // focus goes back to the button that opened the dialog
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Columns…');
    const headers = async () => (await page.getByRole('columnheader').allTextContents()).map((t) => t.trim());
    expect(await headers()).not.toContain('alert_assignee');
    const uidHeader = page.getByRole('columnheader', { name: /^uid/ });
    await uidHeader.waitFor();
    const uidColumn = (await headers()).findIndex((t) => t.startsWith('uid')) - 1;
    await page.getByRole('grid', { name: 'Search results' }).focus();
    await page.keyboard.press('Home');
    // newest first: record 0 is the newest
    await expect.poll(async () => (await columnTexts(uidColumn))[0], POLL).toBe('C10K00000');

    await uidHeader.getByRole('button').click();
    await expect.poll(() => uidHeader.getAttribute('aria-sort'), POLL).toBe('descending');
    // the highest of all 10,000 rows, not of the loaded block
    await expect.poll(async () => (await columnTexts(uidColumn))[0], POLL).toBe('C10K09999');
    await uidHeader.getByRole('button').click();
    await expect.poll(() => uidHeader.getAttribute('aria-sort'), POLL).toBe('ascending');
    await expect.poll(async () => (await columnTexts(uidColumn)).slice(0, 3), POLL).toEqual(['C10K00000', 'C10K00001', 'C10K00002']);
    await shot('09-columns-sorted');

    // the columns are kept for the next visit
    await page.reload();
    await uidHeader.waitFor();
    await page.getByRole('button', { name: 'Columns…' }).click();
    await dialog.getByRole('button', { name: 'Reset to defaults' }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('columnheader', { name: /alert_assignee/ }).waitFor();
  }, 60_000);

  it('goes back to the login page when the session ends, and logs out', async () => {
    await context.clearCookies();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByText('Your session has ended. Log in again to continue.').waitFor();
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await shot('10-logged-out');
    // the API refuses the old session
    const user = await page.evaluate(async () => (await fetch('/api/v1/user', { headers: { 'x-requested-with': 'XMLHttpRequest' } })).status);
    expect(user).toBe(401);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
