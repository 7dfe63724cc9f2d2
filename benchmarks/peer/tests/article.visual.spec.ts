import { test, expect, type Locator, type Page } from '@playwright/test';

// config/scenarios/article.yaml, scenario `article`: its twelve visual checks, with the
// selectors of the page objects (pages/*.py; the names are pages/components.py's).
const ARTICLE = '/www/nation/2022/06/120_330924.html';
// The seed's instant (config/site.yaml, visual.clock); the benchmark passes it as PEER_CLOCK.
const CLOCK = process.env.PEER_CLOCK ?? '2023-02-06T21:47:00+09:00';

// Lazy images scrolled into view (and the rest forced), every image decoded, web fonts loaded:
// the same settling as the suite's (regress/browser/capture.py, load_images).
async function settle(page: Page) {
  await page.evaluate(async () => {
    const step = Math.max(200, Math.floor(window.innerHeight * 0.8));
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise<void>(r => requestAnimationFrame(() => r()));
    }
    document.querySelectorAll<HTMLImageElement>('img[loading="lazy"]').forEach(img => { img.loading = 'eager'; });
    await Promise.all(Array.from(document.images).map(img =>
      (img.complete ? Promise.resolve() : new Promise(r => {
        img.addEventListener('load', r, { once: true });
        img.addEventListener('error', r, { once: true });
      })).then(() => img.decode().catch(() => null))));
    window.scrollTo(0, 0);
    await document.fonts.ready;
    await new Promise<void>(r => requestAnimationFrame(() => requestAnimationFrame(() => r())));
  });
}

test.describe('article page', () => {
  test.beforeEach(async ({ page }) => {
    await page.clock.setFixedTime(CLOCK);
    await page.goto(ARTICLE);
    await settle(page);
  });

  test('page', async ({ page }) => {
    await expect(page).toHaveScreenshot('page.png', { fullPage: true });
  });

  const components: [string, (page: Page) => Locator][] = [
    ['menu', page => page.locator('#header')],
    ['trending', page => page.locator('#trending')],
    ['headline', page => page.locator('#article .view_headline h1')],
    ['share bar', page => page.locator('#article .sns_area')],
    ['photo', page => page.locator('#article figure.view_photo')],
    ['body', page => page.locator('#article #startts')],
    ['lead paragraph', page => page.locator('#article #startts > p').first()],
    ['top ten', page => page.locator('#top10')],
    ['top five', page => page.locator('#top5')],
    ['darkroom', page => page.locator('#darkroom')],
    ['footer', page => page.locator('#footer')],
  ];
  for (const [name, locate] of components) {
    test(name, async ({ page }) => {
      await expect(locate(page)).toHaveScreenshot(`${name.replace(/ /g, '-')}.png`);
    });
  }
});
