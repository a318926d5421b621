// The storefront and console in a real browser: Debian's Chromium driven by
// playwright-core against a real `vitrine serve` (tests/harness.mjs). What the
// page shows is checked against /v1/search; each step saves a screenshot to
// $VITRINE_TEST_ARTIFACTS/screenshots.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, v1Search } from './harness.mjs';

const executablePath = process.env.VITRINE_CHROMIUM ?? '/usr/bin/chromium';
const shots = path.join(process.env.VITRINE_TEST_ARTIFACTS ?? path.join(os.tmpdir(), 'vitrine-ui-artifacts'), 'screenshots');

let server;
let context;
let page;
let profile;
const pageErrors = [];

const snap = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
const shownIds = () => page.$$eval('article.product', (nodes) => nodes.map((n) => n.dataset.id));
const refIds = (result) => result.hits.map((hit) => hit.id);

// Waits until the storefront's first hits are `ids` (InstantSearch renders asynchronously).
async function waitForIds(ids, count = ids.length) {
  await page.waitForFunction((expected) => {
    const shown = [...document.querySelectorAll('article.product')].map((n) => n.dataset.id);
    return JSON.stringify(shown.slice(0, expected.length)) === JSON.stringify(expected);
  }, ids.slice(0, count), { timeout: 15_000 });
}

async function searchFor(query) {
  await page.fill('#search-input', query);
  await page.press('#search-input', 'Enter');
}

before(async () => {
  await mkdir(shots, { recursive: true });
  server = await startServer();
  profile = await mkdtemp(path.join(os.tmpdir(), 'vitrine-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
  page.on('dialog', (dialog) => dialog.accept());
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

test('the storefront loads with security headers and hits', async () => {
  const response = await page.goto(`${server.url}/`);
  const headers = response.headers();
  assert.match(headers['content-security-policy'], /script-src 'self'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  await page.waitForSelector('article.product');
  const reference = await v1Search(server.url, { per_page: 24 });
  await waitForIds(refIds(reference));
  await snap('01-storefront');
});

test('suggestions appear while typing', async () => {
  await page.click('#search-input');
  await page.type('#search-input', 'dre', { delay: 60 });
  await page.waitForSelector('#suggestions [role="option"]', { state: 'visible' });
  const options = await page.$$eval('#suggestions [role="option"]', (nodes) => nodes.map((n) => n.dataset.query));
  assert.ok(options.length > 0);
  assert.ok(options.every((text) => /dre/i.test(text)), options.join(' | '));
  assert.equal(await page.getAttribute('#search-input', 'aria-expanded'), 'true');
  await page.press('#search-input', 'ArrowDown');
  assert.equal(await page.getAttribute('#search-input', 'aria-activedescendant'), 'suggestion-0');
  await snap('02-suggestions');
  await page.press('#search-input', 'Escape');
});

let brand;
test('a search shows /v1/search\'s hits', async () => {
  await searchFor('shoes');
  const reference = await v1Search(server.url, { q: 'shoes', per_page: 24 });
  await waitForIds(refIds(reference));
  // A style's tile shows every colour it comes in, as the search's swatches say.
  const styled = reference.hits.find((hit) => hit.variants?.swatches?.length > 1);
  assert.ok(styled, 'a style of several colours among the shoes');
  assert.equal(await page.locator(`.product[data-id="${styled.id}"] .swatch`).count(),
    styled.variants.swatches.length, `the swatches of ${styled.id}`);
  // ... and the sizes the shown colour comes in, the sold-out ones struck through.
  const sizes = styled.variants.swatches[0].sizes;
  const tile = page.locator(`.product[data-id="${styled.id}"]`);
  assert.deepEqual(await tile.locator('.size').allInnerTexts(), sizes.map((s) => s.size));
  assert.equal(await tile.locator('.size--out').count(), sizes.filter((s) => s.in_stock === false).length,
    `the sold-out sizes of ${styled.id}`);
  await snap('03-search');
});

test('a brand refinement changes counts and hits as /v1/search does', async () => {
  const item = page.locator('#brand .ais-RefinementList-item').nth(1);
  brand = await item.locator('.ais-RefinementList-labelText').innerText();
  const shownCount = Number((await item.locator('.ais-RefinementList-count').innerText()).replace(/\D/g, ''));
  await page.click(`#brand input.ais-RefinementList-checkbox[value="${brand}"]`);
  const reference = await v1Search(server.url, { q: 'shoes', 'filter.brand': brand, per_page: 24 });
  // Facets count styles, as `total` does (variants collapse): the count next to a
  // brand is the number of tiles choosing it shows.
  assert.equal(shownCount, reference.total, `the count next to ${brand}`);
  await waitForIds(refIds(reference));
  // Disjunctive: every brand keeps its count (the brand filter is ignored for them).
  const unfiltered = await v1Search(server.url, { q: 'shoes', per_page: 1, facets: 'brand', facet_size: 40 });
  const counts = Object.fromEntries(unfiltered.facets.brand.map((v) => [v.value, v.count]));
  const shown = await page.$$eval('#brand .ais-RefinementList-item', (nodes) => nodes.map((n) => [
    n.querySelector('.ais-RefinementList-labelText').textContent,
    Number(n.querySelector('.ais-RefinementList-count').textContent.replace(/\D/g, ''))]));
  assert.ok(shown.length > 1);
  for (const [value, count] of shown) assert.equal(count, counts[value], value);
  await page.waitForFunction((total) => document.querySelector('#stats').textContent.replace(/\D/g, '').startsWith(String(total)),
    reference.total);
  await snap('04-brand-refined');
});

test('the second page', async () => {
  await page.click('#pagination .ais-Pagination-item--page:not(.ais-Pagination-item--selected) >> text="2"');
  const reference = await v1Search(server.url, { q: 'shoes', 'filter.brand': brand, per_page: 24, page: 2 });
  await waitForIds(refIds(reference));
  await snap('05-page-2');
});

test('sort by price', async () => {
  await page.selectOption('#sort-by select', 'products_price_asc');
  const reference = await v1Search(server.url, { q: 'shoes', 'filter.brand': brand, per_page: 24, sort: 'price_asc' });
  await waitForIds(refIds(reference));
  await snap('06-sorted-by-price');
});

test('a price range', async () => {
  await page.fill('#price .ais-RangeInput-input--min', '1000');
  await page.fill('#price .ais-RangeInput-input--max', '3000');
  await page.click('#price .ais-RangeInput-submit');
  const reference = await v1Search(server.url, {
    q: 'shoes', 'filter.brand': brand, per_page: 24, sort: 'price_asc', 'range.price': '1000..3000' });
  await waitForIds(refIds(reference));
  const prices = await page.$$eval('article.product .product__price', (nodes) => nodes.length);
  assert.ok(prices > 0);
  await snap('07-price-range');
});

let pinned;
test('console: sign in, a validation error at its field, preview, publish', async () => {
  await page.goto(`${server.url}/console/`);
  await page.fill('#admin-key', 'not-the-key');
  await page.click('.sign-in button[type="submit"]');
  await page.waitForSelector('.sign-in .field__error:has-text("not an admin key")');
  await page.fill('#admin-key', server.adminKey);
  await page.click('.sign-in button[type="submit"]');
  await page.waitForSelector('#rules-title');
  await snap('08-console-rules');

  const reference = await v1Search(server.url, { q: 'black dress', per_page: 10 });
  pinned = reference.hits[6].id;
  await page.click('#new-rule');
  await page.fill('#field-id', 'browser-pin');
  await page.selectOption('#field-conditions-query', 'equals');
  await page.fill('#field-conditions-query-equals', 'black dress');
  await page.fill('#field-consequences-pin', `${pinned} 0`);
  await page.fill('#field-consequences-banner', 'Party dresses');
  await page.click('#publish-rule');
  const error = page.locator('#field-consequences-pin-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.innerText(), /position/);
  await error.scrollIntoViewIfNeeded();
  await snap('09-console-field-error');

  await page.fill('#field-consequences-pin', `${pinned} 1`);
  await page.fill('#preview-query', 'black dress');
  await page.click('#preview-rule');
  await page.waitForSelector('#preview .preview__column');
  const live = await page.$$eval('#preview .preview__column:nth-child(1) li', (n) => n.map((li) => li.dataset.id));
  const draft = await page.$$eval('#preview .preview__column:nth-child(2) li', (n) => n.map((li) => li.dataset.id));
  assert.deepEqual(live, refIds(reference));
  assert.equal(draft[0], pinned);
  assert.match(await page.innerText('#preview .preview__column:nth-child(2) li:first-child'), /pinned/);
  await page.locator('#preview').scrollIntoViewIfNeeded();
  await snap('10-console-preview');

  await page.click('#publish-rule');
  await page.waitForSelector('button[data-rule="browser-pin"]');
  assert.match(await page.innerText('#status'), /Published rule browser-pin/);
  await snap('11-console-published');
});

test('the storefront shows the pinned product first, with the banner', async () => {
  await page.goto(`${server.url}/`);
  await page.waitForSelector('article.product');
  await searchFor('black dress');
  await page.waitForFunction((id) => document.querySelector('article.product')?.dataset.id === id, pinned);
  assert.equal(await page.innerText('#banner'), 'Party dresses');
  await snap('12-storefront-pinned');
});

test('console: roll back from the history, and the pin is gone', async () => {
  await page.goto(`${server.url}/console/#history`);
  const undo = page.locator('tbody tr').first().locator('button');
  await undo.click();
  await page.waitForSelector('#status:has-text("Rolled back")');
  await snap('13-console-rolled-back');

  await page.goto(`${server.url}/`);
  await page.waitForSelector('article.product');
  await searchFor('black dress');
  const reference = await v1Search(server.url, { q: 'black dress', per_page: 24 });
  assert.notEqual(reference.hits[0].id, pinned);
  await waitForIds(refIds(reference));
  assert.equal((await page.innerText('#banner')).trim(), '');
  await snap('14-storefront-after-rollback');
});

test('a phone-sized screen and no results', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await searchFor('zzqqxx');
  await page.waitForSelector('.no-results');
  await snap('15-phone-no-results');
  await searchFor('kurta');
  await page.waitForSelector('article.product');
  assert.equal(await page.isVisible('#filters'), false);
  await page.click('#filters-toggle');
  assert.equal(await page.isVisible('#filters'), true);
  await snap('16-phone-filters');
});

test('no script errors or CSP violations on any page', () => {
  // The console's deliberate mistakes (a wrong key, a bad pin position) are the
  // only failed requests the steps make.
  const unexpected = pageErrors.filter((text) => !/status of (400|403)/.test(text));
  assert.deepEqual(unexpected, []);
});
