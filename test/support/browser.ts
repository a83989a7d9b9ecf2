import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Debian Chromium for the page tests (scripts/ensure-chromium.sh installs the package):
 * no sandbox (CI runs as root), and none of the browser's own background traffic.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
