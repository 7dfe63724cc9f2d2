import { defineConfig } from '@playwright/test';

// The article's visual checks as a QA team would write them in Playwright Test: the peer that
// benchmarks/bench_peer.py times against the suite. The benchmark passes what must be the same
// on both sides through the environment (all taken from the Python side, never guessed here):
//   PEER_BASE_URL       the demo site it started
//   PEER_CHROMIUM       the executable regress.browser.chromium.find_chromium resolves
//   PEER_CHROMIUM_ARGS  JSON list: regress.browser.chromium.launch_flags (the resolver rules blocking
//                       third parties, --font-render-hinting=slight, --no-sandbox as root, quiet network)
//   PEER_VIEWPORTS      JSON {name: [width, height]}: config/site.yaml's viewports
// (the clock, PEER_CLOCK, is read by the spec). Run by hand: see README.md.
const env = process.env;
const json = <T>(name: string, fallback: T): T => (env[name] ? (JSON.parse(env[name]!) as T) : fallback);

const viewports = json<Record<string, [number, number]>>('PEER_VIEWPORTS', {
  desktop: [1280, 800],
  tablet: [768, 1024],
  mobile: [375, 812],
});

export default defineConfig({
  testDir: './tests',
  // As `npm init playwright` writes it: every test may go to any worker.
  fullyParallel: true,
  reporter: [['list'], ['html', { open: 'never' }]],
  expect: {
    toHaveScreenshot: { animations: 'disabled' },
  },
  use: {
    baseURL: env.PEER_BASE_URL ?? 'http://127.0.0.1:8000',
    // The suite's browser context (regress/plugin/fixtures.py).
    locale: 'en-US',
    timezoneId: 'Asia/Seoul',
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: env.PEER_CHROMIUM || undefined,
      args: json<string[]>('PEER_CHROMIUM_ARGS', []),
    },
  },
  projects: Object.entries(viewports).map(([name, [width, height]]) => ({
    name,
    use: { browserName: 'chromium' as const, viewport: { width, height } },
  })),
});
