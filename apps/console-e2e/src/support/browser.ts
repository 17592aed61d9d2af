import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium, WORKSPACE_ROOT } from '@parley/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { e2e } from './state';

/**
 * Screenshots go under tmp/ on every run, so a test run writes no tracked file; `SCREENSHOTS=docs`
 * (the `screenshots` configuration of the test target) refreshes the ones in docs/ on request.
 */
export const SCREENSHOTS_DIR = path.join(WORKSPACE_ROOT, process.env['SCREENSHOTS'] === 'docs' ? 'docs/screenshots' : 'tmp/console-e2e/screenshots');
/** Bounded waits for what a person would see. */
export const UI_MS = 10_000;

export function launch(): Promise<Browser> {
  return launchChromium({ executablePath: e2e().chromiumPath, timeoutMs: 30_000 });
}

export interface AgentPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and CSP violations seen on the page: a test ends by expecting none. */
  problems: string[];
  /** Every dialog (alert, confirm) the page opened: an XSS payload that ran would open one. */
  dialogs: string[];
}

/** A fresh context (own storage, as another browser would have) with one page, watched for problems. */
export async function openAgentPage(browser: Browser, viewport = { width: 1440, height: 900 }, baseURL = e2e().baseUrl): Promise<AgentPage> {
  const context = await browser.newContext({ viewport, baseURL });
  context.setDefaultTimeout(UI_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to (execute|apply|load|connect)/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, problems, dialogs };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, name) });
}

/**
 * For a describe block: a browser of its own with `who` signed in, launched before its tests and
 * closed after them. `page()` is that agent's page.
 */
export function signedInBrowser(who: { email: string; password: string }): { page: () => Page } {
  let browser: Browser | undefined;
  let agent: AgentPage | undefined;
  beforeAll(async () => {
    browser = await launch();
    agent = await openAgentPage(browser);
    await signIn(agent.page, who.email, who.password);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    page: () => {
      if (!agent) throw new Error('the browser is not ready');
      return agent.page;
    },
  };
}
