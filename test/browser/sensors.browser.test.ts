/**
 * The Sensors, Health and Dashboard pages in a real browser (Debian's Chromium via playwright-core)
 * against `metron start --demo`: edit a triage rule in the console (Stellar syntax error and
 * function autocomplete computed in the browser), test it on a sample, save it, and see new alerts
 * scored by it; then the health page and the dashboard. Screenshots go to test-artifacts/sensors/.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_PASSWORD, api } from '../helpers.js';
import { launchChromium } from './chromium.js';
import { startDemo, type RunningMetron } from './metron-process.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/sensors/', import.meta.url));

let metron: RunningMetron;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** A Bro DNS record from one of the demo's known-bad addresses. */
const KNOWN_BAD_DNS = JSON.stringify({ dns: { ts: 1_700_000_000.5, uid: 'Csample1', 'id.orig_h': '203.0.113.66', 'id.orig_p': 40001, 'id.resp_h': '10.0.0.53', 'id.resp_p': 53, proto: 'udp', query: 'sample.example', qtype_name: 'A' } });

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  [metron, browser] = await Promise.all([startDemo(), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(metron.url + '/');
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}, 180_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await metron?.stop();
});

describe('Sensors, Health and Dashboard pages in Chromium against metron start --demo', () => {
  it('lists the sensors with live rates', async () => {
    await page.getByRole('link', { name: 'Sensors' }).click();
    await page.getByRole('heading', { name: 'Sensors' }).waitFor();
    const bro = page.getByRole('row', { name: /^bro / });
    await bro.waitFor();
    // the demo feeds bro: its rate over the last minute becomes positive
    await expect.poll(async () => Number(await bro.getByRole('cell').nth(2).textContent()), { timeout: 30_000, interval: 1000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Show global config' }).click();
    expect(await page.getByLabel('global.json').inputValue()).toContain('es.date.format');
    await shot('01-sensors');
  }, 60_000);

  it('edits a triage rule with in-browser Stellar checking and autocomplete, tests it on a sample, saves it, and new alerts are scored by it', async () => {
    await page.getByRole('link', { name: 'bro', exact: true }).click();
    await page.getByRole('heading', { name: 'Sensor bro' }).waitFor();
    // the tabs follow the keyboard (arrows)
    await page.getByRole('tab', { name: 'Parser' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Triage' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.locator('fieldset.triage-rule').last();
    await rule.getByLabel('Name').fill('Browser rule');
    await rule.getByLabel('Score').fill('99');
    const editor = rule.getByLabel('Rule (Stellar predicate)');
    // a syntax error is shown with its position while typing, without a request
    await editor.fill("ip_src_addr == ('x'");
    const error = rule.getByRole('alert');
    await expect.poll(() => error.textContent()).toMatch(/line 1, column \d+/);
    await rule.screenshot({ path: `${ARTIFACTS}02-stellar-error.png` });
    // function autocomplete from the browser's Stellar registry
    await editor.fill('');
    await editor.pressSequentially('IS_EMP');
    const suggestions = rule.getByRole('listbox', { name: 'Stellar functions' });
    await suggestions.getByRole('option', { name: /^IS_EMPTY\(/ }).waitFor();
    await rule.screenshot({ path: `${ARTIFACTS}03-stellar-autocomplete.png` });
    await editor.press('Enter');
    expect(await editor.inputValue()).toBe('IS_EMPTY(');
    await editor.pressSequentially("query) == false or exists(ip_src_addr)");
    await expect.poll(() => rule.getByRole('alert').count()).toBe(0);

    // the unsaved rule on a sample, through the pipeline's own steps
    await page.getByRole('tab', { name: 'Test with a sample' }).click();
    await page.getByLabel('Raw records, one per line').fill(KNOWN_BAD_DNS);
    await page.getByRole('button', { name: 'Run sample' }).click();
    const results = page.getByRole('list', { name: 'Sample results' });
    await expect.poll(() => results.getByRole('row', { name: /^threat\.triage\.score / }).textContent(), { timeout: 20_000 }).toContain('99');
    expect(await results.textContent()).toContain('Browser rule');
    await shot('04-sample');

    await page.getByRole('tab', { name: 'Triage' }).click();
    // the server refuses what its schema refuses, naming the file and path; nothing is saved
    const newRule = page.locator('fieldset.triage-rule').last();
    await newRule.getByLabel('Score').fill('99 +');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await expect.poll(() => page.locator('[role=tabpanel] > p.error').textContent()).toMatch(/enrichments\/bro\.json: \$\.threatIntel\.triageConfig\.riskLevelRules\[3\]/);
    await shot('05-refused');
    await newRule.getByLabel('Score').fill('99');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('applied to the running pipeline');
    await shot('06-saved');

    // new demo alerts are scored by the saved rule (no restart)
    await expect
      .poll(async () => (await api(metron.url, 'POST', '/api/v1/search/search', { indices: ['bro'], query: 'threat.triage.score:99', size: 1 })).json?.total ?? 0, { timeout: 60_000, interval: 1000 })
      .toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Alerts' }).click();
    const search = page.getByRole('combobox', { name: 'Search query (Lucene syntax)' });
    await search.fill('threat.triage.score:99');
    await search.press('Enter');
    await expect.poll(async () => (await page.locator('.result-count').textContent()) ?? '', { timeout: 30_000 }).toMatch(/^[1-9][\d,]* result/);
    await shot('07-alerts-scored-by-the-new-rule');
  }, 150_000);

  it('shows pipeline health per sensor and stage', async () => {
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Pipeline health' }).waitFor();
    await page.getByRole('row', { name: /^bro / }).waitFor();
    await page.getByRole('heading', { name: 'Stages' }).waitFor();
    expect(await page.getByRole('row', { name: /^parse bro bro / }).count()).toBe(1);
    await shot('08-health');
    // the sensor's error records, then the same search on the Alerts page (all events, all time)
    await page.getByRole('row', { name: /^bro / }).getByRole('button', { name: 'Show errors' }).click();
    await page.getByRole('link', { name: 'open in Alerts' }).click();
    await page.getByLabel('Search query (Lucene syntax)').waitFor();
    expect(await page.getByLabel('Search query (Lucene syntax)').inputValue()).toBe('failed_sensor_type:"bro"');
    const url = new URL(page.url());
    expect([url.pathname, url.searchParams.get('alerts'), url.searchParams.get('range')]).toEqual(['/alerts', '0', 'all']);
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Pipeline health' }).waitFor();
  }, 60_000);

  it('draws the dashboard: events over time, alerts, top talkers, top rules, world map', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('img', { name: 'Events over time per sensor' }).waitFor();
    await page.getByRole('img', { name: /^World map with \d+ geo-enriched locations/ }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Top firing triage rules' }).textContent(), { timeout: 40_000, interval: 2000 }).toContain('Browser rule');
    expect(await page.getByRole('list', { name: 'Top source addresses' }).getByRole('listitem').count()).toBeGreaterThan(0);
    await shot('09-dashboard');
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
