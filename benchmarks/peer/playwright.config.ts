import { defineConfig } from '@playwright/test';

// The article's visual checks as a QA team would write them in Playwright Test: the peer that
// benchmarks/bench_peer.py times against the suite. The benchmark passes what must be the same
// on both sides through the environment (all taken from the Python side, never guessed here):
//   PEER_BASE_URL       the demo site it started
//   PEER_CHROMIUM       the executable regress.browser.chromium.find_chromium resolves
//   PEER_CHROMIUM_ARGS  JSON list: regress.browser.chromium.launch_flags (the resolver rules blocking
//                       third parties, --font-render-hinting=slight, --no-sandbox as root, quiet network)
//   PEER_VIEWPORTS      JSON {name: {width, height, is_mobile, has_touch, device_scale_factor,
//                       user_agent?}}: the site settings' viewports, the devices the suite emulates
// (the clock, PEER_CLOCK, is read by the spec). Run by hand: see README.md.
const env = process.env;
const json = <T>(name: string, fallback: T): T => (env[name] ? (JSON.parse(env[name]!) as T) : fallback);

type Device = { width: number; height: number; is_mobile?: boolean; has_touch?: boolean;
                device_scale_factor?: number; user_agent?: string };
const viewports = json<Record<string, Device>>('PEER_VIEWPORTS', {
  desktop: { width: 1280, height: 800 },
  tablet: { width: 768, height: 1024, is_mobile: true, has_touch: true, device_scale_factor: 2 },
  mobile: { width: 375, height: 812, is_mobile: true, has_touch: true, device_scale_factor: 2 },
});

export default defineConfig({
  testDir: './tests',
  // As `npm init playwright` writes it: every test may go to any worker.
  fullyParallel: true,
  reporter: [['list'], ['html', { open: 'never' }]],
  expect: {
    // Device pixels, as the suite captures (Playwright Test's default is CSS pixels).
    toHaveScreenshot: { animations: 'disabled', scale: 'device' },
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
  projects: Object.entries(viewports).map(([name, d]) => ({
    name,
    use: {
      browserName: 'chromium' as const,
      viewport: { width: d.width, height: d.height },
      isMobile: d.is_mobile ?? false,
      hasTouch: d.has_touch ?? false,
      deviceScaleFactor: d.device_scale_factor ?? 1,
      ...(d.user_agent ? { userAgent: d.user_agent } : {}),
    },
  })),
});
