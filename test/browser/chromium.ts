// Debian's chromium for the browser tests and the UI bench, driven by playwright-core (which downloads no browser
// of its own): where it is, the flags for a headless run on a machine without a display or a network, and a
// launch that says what to install when it is missing (the tests never skip: the pages must be checked in a
// browser).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const haveChromium = existsSync(CHROMIUM);

export async function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`no chromium at ${CHROMIUM}: .ci/run must install it (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
