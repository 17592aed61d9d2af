import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { until } from './wait';

/** The flags every browser test and the loader benchmark start Chromium with, so that they measure and drive the same browser. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium (driven by playwright-core, which brings no browser), unless CHROMIUM_PATH names another. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * Resolves with `file` once it exists: the package may still be being installed when a run starts
 * (.ci/run installs it), so this waits a little, not forever.
 */
export async function waitForChromium(opts: { file?: string; timeoutMs?: number; log?: (line: string) => void } = {}): Promise<string> {
  const file = opts.file ?? chromiumPath();
  if (existsSync(file)) return file;
  opts.log?.(`waiting for ${file} to appear`);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  await until(`${file} to appear`, () => existsSync(file), timeoutMs, 2000).catch(() => {
    throw new Error(`${file} not found after ${timeoutMs / 1000} s: install Chromium (Debian: apt-get install chromium) or name another with CHROMIUM_PATH`);
  });
  return file;
}

/** A headless Chromium with CHROMIUM_ARGS. */
export async function launchChromium(opts: { executablePath?: string; timeoutMs?: number } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: opts.executablePath ?? chromiumPath(), args: CHROMIUM_ARGS, headless: true, timeout: opts.timeoutMs ?? 60_000 });
}
