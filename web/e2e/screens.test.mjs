/**
 * The client as a film site, on a phone (390 px) and a laptop (1280 px): screenshots of the
 * catalogue's poster grid (and on the phone its filters unfolded), a movie, the dashboard
 * (/private), the account page, the admins' user list and every other page into web/e2e/screenshots/
 * (git-ignored), for people to look at; axe-core on each (no serious or critical violation);
 * the grid has two columns on the phone and more on the laptop, and no page scrolls sideways
 * on the phone.
 *
 * Its server loads the demo data; it logs in as the demo viewer, who added the demo movies,
 * then as the demo admin for the user list, where an account with a long address was made.
 * Its browser bypasses the CSP to inject axe (csp.test.mjs checks the policy itself).
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe } from 'node:test';
import {
  DEMO_ADMIN as ADMIN,
  DEMO_VIEWER as VIEWER,
  api,
  axeViolations,
  demoSuite,
  logIn,
  screenshot,
} from './support.mjs';

const BLOCKING = new Set(['serious', 'critical']);
// Beside this file, not in the repository's artifacts/screenshots with the other suites' shots.
const HERE = path.join(path.dirname(new URL(import.meta.url).pathname), 'screenshots');
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1280, height: 800 },
];

// An account whose address is as long as real ones get: the user list must show it whole, on one line.
const RUN = Date.now().toString(36);
const LONG = {
  email: `maximilian.featherstonehaugh.${RUN}@international-film-archive.example.org`,
  password: 'a long and careful password',
  display_name: 'Maximilian Featherstonehaugh',
};

/** How many columns the catalogue's grid shows: the cards on the first card's row. */
function gridColumns(page) {
  return page.evaluate(() => {
    const cards = [...document.querySelectorAll('ul[aria-label="Movies"] > li')];
    const top = cards[0].getBoundingClientRect().top;
    return cards.filter((card) => Math.abs(card.getBoundingClientRect().top - top) < 1).length;
  });
}

describe('a film site at 390 and 1280 px: screenshots, axe-core, the poster grid', () => {
  let server;
  let browser;
  let movie;
  const step = demoSuite({
    bypassCSP: true,
    started: async (suite) => {
      ({ server, browser, movie } = suite);
      await mkdir(HERE, { recursive: true });
      const signup = await api(server.baseUrl, 'POST', '/api/auth/signup', { body: LONG });
      assert.equal(signup.status, 201, JSON.stringify(signup.body));
    },
  });

  /** Waits for the page to settle, screenshots it as `name`, and fails on blocking axe findings. */
  async function capture(name) {
    const { page } = browser;
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    // Lazy posters below the fold load as a person scrolls: load them all for the full-page shot.
    await page.evaluate(() => document.querySelectorAll('img[loading="lazy"]').forEach((img) => (img.loading = 'eager')));
    await page.waitForFunction(() => [...document.images].every((img) => img.complete));
    await screenshot(page, name, { path: path.join(HERE, name) });
    const blocking = (await axeViolations(page)).filter((violation) => BLOCKING.has(violation.impact));
    assert.deepEqual(blocking, [], `${name}: ${JSON.stringify(blocking, null, 2)}`);
    if (page.viewportSize().width <= 390) {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `${name} scrolls sideways: ${wide} px wide`);
    }
  }

  step('logs in as the demo viewer, whose name (never the email) the navbar shows', async () => {
    const { page } = browser;
    await logIn(page, VIEWER);
    assert.doesNotMatch(await page.getByTestId('current-user').innerText(), /@/);
  });

  for (const viewport of VIEWPORTS) {
    const { name, width } = viewport;

    step(`${width} px: the catalogue's poster grid`, async () => {
      const { page } = browser;
      await page.setViewportSize(viewport);
      await page.goto('/');
      await page.getByTestId('movie-card').first().waitFor();
      const columns = await gridColumns(page);
      if (width === 390) assert.equal(columns, 2);
      else assert.ok(columns >= 4, `${columns} columns at ${width} px`);
      // On a phone the filters fold behind a button; the first poster is on the first screen.
      const filters = page.getByTestId('catalogue-filters');
      assert.equal(await filters.isVisible(), width > 390);
      const firstCard = await page.getByTestId('movie-card').first().boundingBox();
      assert.ok(firstCard.y < viewport.height / 2, `the first movie starts ${firstCard.y} px down`);
      await capture(`catalogue-${name}.png`);
    });

    if (width === 390) {
      step('390 px: the Filters button unfolds the filters, and says so to screen readers', async () => {
        const { page } = browser;
        const button = page.getByRole('button', { name: 'Filters', exact: true });
        assert.equal(await button.getAttribute('aria-expanded'), 'false');
        await button.click();
        await page.getByLabel('Minimum rating').waitFor();
        assert.equal(await button.getAttribute('aria-expanded'), 'true');
        await capture('catalogue-filters-phone.png');
        await button.click();
        await page.getByTestId('catalogue-filters').waitFor({ state: 'hidden' });
      });
    }

    step(`${width} px: a movie, its cast, directors and genres linking to the catalogue, its reviews`, async () => {
      const { page } = browser;
      await page.goto(`/movies/${movie.id}`);
      await page.getByTestId('review').first().waitFor();
      // The author's score shows beside their name when the API gives it, and nothing when it does not.
      const [first] = (await api(server.baseUrl, 'GET', `/api/movies/${movie.id}/reviews`)).body;
      const given = first.author_score ?? first.score ?? null;
      const score = page.getByTestId('review').first().getByTestId('review-score');
      if (given === null) assert.equal(await score.count(), 0);
      else assert.equal(await score.textContent(), `rated it ${given}/10`);
      const cast = movie.casts[0];
      assert.equal(
        await page.getByRole('link', { name: cast, exact: true }).getAttribute('href'),
        `/?${new URLSearchParams({ cast })}`,
      );
      await capture(`movie-${name}.png`);
    });

    if (width === 1280) {
      step("a movie's cast member, director and genre each lead to the catalogue filtered by them", async () => {
        const { page } = browser;
        const [genre] = movie.genres;
        // A genre's toggle is named by the genre, then its count of movies.
        const genreToggle = page.getByRole('checkbox', { name: new RegExp(`^${genre}\\b`) });
        const links = [
          ['cast', movie.casts[0], () => page.getByLabel('Cast', { exact: true }).inputValue()],
          ['director', movie.directors[0], () => page.getByLabel('Director', { exact: true }).inputValue()],
          ['genre', genre, async () => ((await genreToggle.isChecked()) ? genre : 'not picked')],
        ];
        for (const [filter, value, inForce] of links) {
          await page.goto(`/movies/${movie.id}`);
          await page.getByRole('link', { name: value, exact: true }).click();
          await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get(filter) === value);
          await page.getByTestId('movie-card').filter({ hasText: movie.name }).waitFor();
          assert.equal(await inForce(), value, `the ${filter} filter shows ${value}`);
        }
      });
    }

    step(`${width} px: the dashboard with its thumbnails`, async () => {
      const { page } = browser;
      await page.goto('/private');
      await page.getByTestId('my-movie-row').first().waitFor();
      assert.ok(await page.getByTestId('my-movie-row').first().locator('.table-poster').isVisible());
      await capture(`dashboard-${name}.png`);
    });

    step(`${width} px: the account page`, async () => {
      const { page } = browser;
      await page.goto('/account');
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      await capture(`account-${name}.png`);
    });

    step(`${width} px: the watchlist, signup, login, password reset and not-found pages`, async () => {
      const { page } = browser;
      const others = [
        ['watchlist', '/watchlist', 'My watchlist'],
        ['signup', '/signup', 'Create an account'],
        ['login', '/login', 'Log in'],
        ['forgot-password', '/forgot-password', 'Reset your password'],
        ['reset-password', '/reset-password#token=not-a-real-token', 'Choose a new password'],
        ['not-found', '/no-such-page', 'Page not found'],
      ];
      for (const [shot, where, heading] of others) {
        await page.goto('about:blank');
        await page.goto(where);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        await capture(`${shot}-${name}.png`);
      }
    });
  }

  step('logs in as the demo admin', async () => {
    const { page } = browser;
    await page.setViewportSize(VIEWPORTS[1]);
    // From the catalogue: logging out of a private page would send the next login back to it.
    await page.goto('/');
    await page.getByRole('button', { name: 'Logout' }).click();
    await page.waitForURL('**/login');
    await logIn(page, ADMIN);
  });

  for (const viewport of VIEWPORTS) {
    const { name, width } = viewport;

    step(`${width} px: the user list names people and shows each address on one line, never broken`, async () => {
      const { page } = browser;
      await page.setViewportSize(viewport);
      await page.goto('/admin/users');
      const row = page.getByTestId('user-row').filter({ hasText: LONG.display_name });
      await row.waitFor();
      assert.ok(await page.getByTestId('user-display-name').filter({ hasText: 'Demo Viewer' }).isVisible());
      await capture(`admin-users-${name}.png`);
      // One line box, inside the screen; cut short by an ellipsis only on the phone, whole in its title.
      const shown = await row.getByText(LONG.email).evaluate((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        const box = element.getBoundingClientRect();
        return {
          lines: new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size,
          inside: box.left >= 0 && box.right <= document.documentElement.clientWidth,
          whole: element.scrollWidth <= element.clientWidth + 1,
          title: element.title,
        };
      });
      assert.deepEqual(shown, { lines: 1, inside: true, whole: width > 390, title: LONG.email });
      // The controls are on the screen, next to the name they act on.
      assert.ok(await row.getByRole('switch', { name: `Admin rights for ${LONG.email}` }).isVisible());
      const remove = await row.getByRole('button', { name: `Delete ${LONG.email}` }).boundingBox();
      assert.ok(remove.x + remove.width <= width, `Delete ends at ${remove.x + remove.width} px`);
    });
  }
});
