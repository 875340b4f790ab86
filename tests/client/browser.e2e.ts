/**
 * The built client in a real browser (`npm run test:e2e`, after `npm run build:client`): Debian's
 * headless Chromium, driven by playwright-core, loads client/e2e/index.html from the live server,
 * which lists songs through client/dist and shows the server's validation error for a bad form.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { startLiveServer } from './support/live-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE_DIR = path.join(ROOT, 'client', 'e2e');
const CHROMIUM = '/usr/bin/chromium';

/** index.html and the page's script, bundled from client/e2e/page.ts and client/dist. */
async function pageFiles() {
  if (!existsSync(path.join(ROOT, 'client', 'dist', 'index.d.ts'))) {
    throw new Error('client/dist is missing: run `npm run build:client` first (npm run test:e2e does)');
  }
  // The page is type-checked against the built .d.ts, as a browser project would see it.
  await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(PAGE_DIR, 'tsconfig.json')],
    { cwd: ROOT },
  ).catch((error: { stdout?: string }) => {
    throw new Error(`client/e2e/page.ts does not type-check:\n${error.stdout ?? error}`);
  });
  const bundle = await build({
    entryPoints: [path.join(PAGE_DIR, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'warning',
  });
  return {
    '/': {
      contentType: 'text/html; charset=utf-8',
      body: await readFile(path.join(PAGE_DIR, 'index.html'), 'utf8'),
    },
    '/page.js': { contentType: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0]?.text ?? '' },
  };
}

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * What went wrong in the page: uncaught errors and console errors, plus every HTTP response of
 * 400 or more (Chromium logs those as console errors too, so they are kept apart to be asserted).
 */
function watchPage(page: Page): { problems: string[]; failedResponses: string[] } {
  const problems: string[] = [];
  const failedResponses: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console.error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      const url = new URL(response.url());
      failedResponses.push(`${response.status()} ${response.request().method()} ${url.pathname}`);
    }
  });
  return { problems, failedResponses };
}

describe('built client in headless Chromium', () => {
  it('lists songs from the live server and shows a validation error from it', async () => {
    const pages = await pageFiles();
    const database = await openDatabase('pglite:memory');
    await database.migrate();
    await database.prisma.song.createMany({
      data: [
        { name: 'Blinding Lights', artist: 'The Weeknd', streams: 4.567, releasedOn: new Date('2019-11-29') },
        { name: 'Shape of You', artist: 'Ed Sheeran', streams: 4.012, releasedOn: new Date('2017-01-06') },
        { name: 'Levitating', artist: 'Dua Lipa', streams: 2.1, releasedOn: new Date('2020-03-27') },
      ],
    });
    await using server = await startLiveServer({ database, closeDatabase: () => database.close(), pages });
    await using browser = await launchChromium();
    const page = await browser.newPage();
    const { problems, failedResponses } = watchPage(page);

    await page.goto(`${server.origin}/`);
    await page.locator('#summary[data-state="loaded"]').waitFor();
    expect(await page.locator('#summary').textContent()).toBe('3 songs');
    expect(await page.locator('#songs li').allTextContents()).toEqual([
      'Blinding Lights by The Weeknd (4.567B streams)',
      'Shape of You by Ed Sheeran (4.012B streams)',
      'Levitating by Dua Lipa (2.1B streams)',
    ]);
    expect(await page.locator('#songs li').first().getAttribute('data-released-on')).toBe('2019-11-29');

    // A blank name and an impossible date: the server refuses both, field by field.
    await page.fill('input[name=name]', '   ');
    await page.fill('input[name=artist]', 'Nobody');
    await page.fill('input[name=streams]', '1');
    // A date input cannot hold 2023-02-30, so make it the text field some forms use.
    await page.locator('input[name=releasedOn]').evaluate((input) => input.setAttribute('type', 'text'));
    await page.fill('input[name=releasedOn]', '2023-02-30');
    await page.click('button[type=submit]');
    await page.locator('#form-result[data-state="error"]').waitFor();
    expect(await page.locator('#form-result').getAttribute('data-code')).toBe('BAD_REQUEST');
    expect(await page.locator('#form-result [data-field="name"]').textContent()).toBe(
      'name: name must not be empty',
    );
    expect(await page.locator('#form-result [data-field="releasedOn"]').textContent()).toMatch(
      /^releasedOn: releasedOn must be a real calendar date/,
    );

    // A valid song goes through and the list refreshes from the server.
    await page.fill('input[name=name]', 'Dance The Night');
    await page.fill('input[name=releasedOn]', '2023-05-25');
    await page.click('button[type=submit]');
    await page.locator('#form-result[data-state="added"]').waitFor();
    await page.locator('#summary', { hasText: '4 songs' }).waitFor();
    expect(await page.locator('#songs li').last().textContent()).toBe(
      'Dance The Night by Nobody (1B streams)',
    );

    expect(problems).toEqual([]);
    // The refused create, and nothing else.
    expect(failedResponses).toEqual(['400 POST /trpc/song.create']);
  });
});
