/**
 * The README's first screen, followed in a real browser as a newcomer would: `make run` (on a
 * port of its own, as the README says to change it) prints the web client's URL and the demo
 * logins; the browser opens that URL, logs in with the printed demo user and reaches the private
 * page (/private, "My movies": the demo user's movies). The README's first screen names the
 * same URL (but for the port) and the same login.
 *
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { REPO, SHOTS, openBrowser, screenshot, setupGuard, startMakeRun } from './support.mjs';

/** What `make run` printed: {web, user: {email, password}} from its "web client" and "demo logins" lines. */
function printed(output) {
  const web = output.match(/^ {2}web client: +(\S+)$/m);
  const logins = output.match(/^ {2}demo logins: +(\S+) \/ (\S+?),/m);
  assert.ok(web && logins, `make run printed no web client URL or demo login:\n${output}`);
  return { web: web[1], user: { email: logins[1], password: logins[2] } };
}

describe("the README's first screen in a real browser: make run, its URL, its demo login, the private page", () => {
  const guard = setupGuard();
  const step = guard.step;
  let server;
  let browser;
  let shown;

  before(() =>
    guard.setup(async () => {
      await mkdir(SHOTS, { recursive: true });
      server = await startMakeRun();
      shown = printed(server.output());
      browser = await openBrowser(shown.web);
    }),
  );
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('make run serves, and prints where the web client is and a demo login', () => {
    guard.check();
    assert.equal(shown.web, `${server.baseUrl}/`);
  });

  step("the README's first screen names that URL (on its port) and that login", async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const firstScreen = readme.slice(0, readme.indexOf('## A tour with curl'));
    assert.ok(firstScreen.includes('make run'));
    assert.ok(firstScreen.includes(shown.web.replace(/:\d+\/$/, ':5000/')), 'the web client URL');
    assert.ok(firstScreen.includes(`\`${shown.user.email}\``), 'the demo email');
    assert.ok(firstScreen.includes(`\`${shown.user.password}\``), 'the demo password');
  });

  step('opens the printed URL, logs in with the printed demo login and reaches the private page', async () => {
    const { page } = browser;
    await page.goto(shown.web);
    await page.getByRole('heading', { name: 'Movie catalogue' }).waitFor();
    await page.getByTestId('movie-card').first().waitFor();
    await page.getByRole('link', { name: 'Login', exact: true }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByLabel('Email').fill(shown.user.email);
    await page.getByLabel('Password').fill(shown.user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/private');
    await page.getByRole('heading', { name: 'My movies' }).waitFor();
    await page.getByTestId('my-movie-row').first().waitFor();
    // The navbar names the person, never by the email they logged in with.
    const current = await page.getByTestId('current-user').innerText();
    assert.ok(current.trim() && !current.includes('@'), `the navbar shows "${current}"`);
    await screenshot(page, 'first-screen-private.png');
  });

  step('raised no uncaught errors in the page', () => {
    assert.deepEqual(browser.pageErrors, []);
  });
});
