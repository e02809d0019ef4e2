import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, installed by .ci/run; playwright-core never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking flags Chromium keeps calling Google's hosts, which this network refuses. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaptopPage {
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page's scripts, to assert there were none. */
  pageErrors: string[];
}

/** A headless Chromium page the size of a laptop screen (1366 x 768). */
export async function openLaptopPage(): Promise<LaptopPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, page, pageErrors };
}
