/**
 * The songs page in a real browser (`npm run test:e2e`, which builds client/dist and web/dist
 * first): Debian's headless Chromium, driven by playwright-core, on the page `npm start` serves at
 * `/`, over the demo catalogue. The browser runs in Los Angeles, so a date shown a day early
 * (a calendar date read as an instant) would show. Also calls the API from another origin (CORS).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { type Database, openDatabase } from '../../src/db/index.js';
import { demoSongs } from '../../src/demo/catalogue.js';
import { seedDemoCatalogue } from '../../src/demo/seed.js';
import { WEB_DIST } from '../../src/http/web.js';
import { importBuiltClient } from './support/built-client.js';
import { type LiveServer, listen, startLiveServer } from './support/live-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENSHOT = path.join(ROOT, 'docs', 'songs-page.png');
const CHROMIUM = '/usr/bin/chromium';
const PAGE_SIZE = 25;
/** The key typed into the page's API-key field: a songs:write key made in beforeAll. */
let WRITE_KEY: string;

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}

/** Uncaught errors and console errors in the page, except failed HTTP answers (asserted apart). */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console.error: ${message.text()}`);
    }
  });
  return problems;
}

const utcDay = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const rows = (page: Page) => page.locator('#songs tr');
const column = (page: Page, name: string) =>
  page.locator(`#songs td[data-column="${name}"]`).allTextContents();

let database: Database;
let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` first (npm run test:e2e does)');
  }
  database = await openDatabase('pglite:memory');
  await database.migrate();
  await seedDemoCatalogue(database);
  WRITE_KEY = (await createApiKey(database.prisma, { name: 'e2e', scopes: ['songs:write'] })).key;
  server = await startLiveServer({ database, closeDatabase: () => database.close() });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.[Symbol.asyncDispose]();
});

describe('the songs page in headless Chromium', () => {
  it('filters, sorts, scrolls, creates (error, then success), edits and deletes', async () => {
    const { client } = await importBuiltClient();
    const api = client.createSongsClient({ url: server.trpcUrl });
    const context = await browser.newContext({
      timezoneId: 'America/Los_Angeles',
      locale: 'en-US',
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    const problems = watchProblems(page);

    await page.goto(`${server.origin}/`);
    await page
      .locator('#summary', { hasText: `${PAGE_SIZE} of ${demoSongs().length} songs shown` })
      .waitFor();
    await page.screenshot({ path: SCREENSHOT });

    // Default order: most streamed first; each date is the calendar day the API sent, in LA too.
    const byStreams = await api.song.list.query({ orderBy: ['-streams'], limit: PAGE_SIZE });
    expect(await column(page, 'name')).toEqual(byStreams.items.map((song) => song.name));
    const times = page.locator('#songs time');
    for (const index of [0, 1, 2]) {
      const day = (await times.nth(index).getAttribute('datetime')) ?? '';
      expect(client.calendarDateString(byStreams.items[index]?.releasedOn ?? '')).toBe(day);
      expect(await times.nth(index).textContent()).toBe(utcDay.format(new Date(day)));
    }

    // Filter: artist contains, then a date range on top.
    const artist = demoSongs()[0]?.artist.split(' ').at(-1) ?? '';
    await page.fill('input[name=artistContains]', artist.toLowerCase());
    const byArtist = await api.song.list.query({ artistContains: artist, limit: 100 });
    await page.locator('#summary', { hasText: `of ${byArtist.total} songs shown` }).waitFor();
    for (const name of await column(page, 'artist'))
      expect(name.toLowerCase()).toContain(artist.toLowerCase());
    await page.fill('input[name=releasedOnGte]', '2015-01-01');
    const recent = await api.song.list.query({ artistContains: artist, releasedOnGte: '2015-01-01' });
    await page.locator('#summary', { hasText: `of ${recent.total} songs shown` }).waitFor();
    await page.click('text=Clear');

    // Sort by name (ascending on the first click), then scroll until the third page is in.
    await page.click('button[data-sort="name"]');
    const byName = await api.song.list.query({ orderBy: ['name'], limit: PAGE_SIZE * 3 });
    await page
      .locator('#songs tr td[data-column="name"]')
      .first()
      .filter({ hasText: byName.items[0]?.name ?? '' })
      .waitFor();
    for (const loaded of [PAGE_SIZE * 2, PAGE_SIZE * 3]) {
      await page.locator('#more').scrollIntoViewIfNeeded();
      await page.locator(`#songs tr:nth-child(${loaded})`).waitFor();
    }
    const ids = await Promise.all((await rows(page).all()).map((row) => row.getAttribute('data-id')));
    expect(ids).toEqual(byName.items.map((song) => song.id));

    // The API key is kept for the tab, and sent with the writes.
    await page.fill('input[name=apiKey]', WRITE_KEY);
    await page.reload();
    expect(await page.inputValue('input[name=apiKey]')).toBe(WRITE_KEY);

    // Create: the server's field errors appear next to their fields, then a valid song goes in.
    await page.click('text=New song');
    await page.fill('#song-form input[name=name]', '   ');
    await page.fill('#song-form input[name=artist]', 'Browser Band');
    await page.fill('#song-form input[name=streams]', '-1');
    await page.fill('#song-form input[name=releasedOn]', '2024-02-29');
    await page.click('#song-form button[type=submit]');
    await page.locator('[data-field-error="name"]').waitFor();
    expect(await page.locator('[data-field-error="name"]').textContent()).toBe('name must not be empty');
    expect(await page.locator('[data-field-error="streams"]').textContent()).toBe(
      'streams must not be negative',
    );
    expect(await page.locator('[data-field-error="artist"]').count()).toBe(0);

    await page.fill('#song-form input[name=name]', 'Leap Day');
    await page.fill('#song-form input[name=streams]', '1.5');
    const createRequest = page.waitForRequest((request) => request.url().includes('song.create'));
    await page.click('#song-form button[type=submit]');
    expect((await createRequest).headers().authorization).toBe(`Bearer ${WRITE_KEY}`);
    await page.locator('.notice', { hasText: 'Added “Leap Day”' }).waitFor();

    await page.fill('input[name=nameContains]', 'Leap Day');
    await page.locator('#summary', { hasText: '1 of 1 songs shown' }).waitFor();
    expect(await column(page, 'releasedOn')).toEqual(['Feb 29, 2024']);

    // Edit.
    await page.click('#songs >> text=Edit');
    await page.fill('#song-form input[name=streams]', '2.5');
    await page.click('#song-form button[type=submit]');
    await page.locator('.notice', { hasText: 'Saved “Leap Day”' }).waitFor();
    await page.locator('#songs td[data-column="streams"]', { hasText: '2.5' }).waitFor();
    const [saved] = (await api.song.list.query({ name: 'Leap Day' })).items;
    expect(saved).toMatchObject({ artist: 'Browser Band', streams: 2.5 });

    // Delete, after saying yes to the confirmation.
    page.once('dialog', (dialog) => {
      expect(dialog.message()).toBe('Delete “Leap Day” by Browser Band?');
      void dialog.accept();
    });
    await page.click('#songs >> text=Delete');
    await page.locator('.notice', { hasText: 'Deleted “Leap Day”' }).waitFor();
    await page.locator('#summary', { hasText: '0 of 0 songs shown' }).waitFor();
    expect((await api.song.list.query({ name: 'Leap Day' })).total).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the API from another origin', () => {
  // Relies on the server's CORS support (Config.CORS_ORIGINS, from the access issue).
  it('answers an origin listed in CORS_ORIGINS, and a browser refuses the answer to any other', async () => {
    await using otherSite = await listen((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>other site</title>');
    });
    await using api = await startLiveServer({
      database,
      closeDatabase: async () => {},
      config: { CORS_ORIGINS: otherSite.origin },
    });
    const page = await browser.newPage();
    const call = (origin: string) =>
      page.goto(`${origin}/`).then(() =>
        page.evaluate(async (trpcUrl) => {
          try {
            const query = await fetch(
              `${trpcUrl}/song.list?input=${encodeURIComponent('{"json":{"limit":1}}')}`,
            );
            const body = (await query.json()) as { result: { data: { json: { total: number } } } };
            // A write, with the headers a client sends: the browser asks first (preflight).
            const write = await fetch(`${trpcUrl}/song.delete`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: 'Bearer none' },
              body: '{"json":{"id":"00000000-0000-4000-8000-000000000000"}}',
            });
            return `total=${body.result.data.json.total} write=${write.status}`;
          } catch (error) {
            return `refused: ${String(error)}`;
          }
        }, api.trpcUrl),
      );

    expect(await call(otherSite.origin)).toMatch(/^total=\d+ write=(401|404)$/);
    // Same server, but "localhost" is another origin than "127.0.0.1", and it is not listed.
    expect(await call(otherSite.origin.replace('127.0.0.1', 'localhost'))).toMatch(/^refused: TypeError/);
    await page.close();
  });
});
