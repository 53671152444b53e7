// `npm run screenshot:web`: the screenshots of the web page in docs/ (the README shows the Design page): builds
// web/dist/, starts `aifabric serve`'s server on 127.0.0.1, opens each page in Debian's chromium at 1280x900 and
// saves it. Design: the 512-host leaf-spine of aurcore-32x400g the browser tests check, with its diagram; Simulate:
// incast-16 on the packet engine; Demo: the quick demo run from the page (about a minute), the training side's
// network-demands row opened on its evidence and charts. Leaves out: the Runs page (it needs a run store).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/serve/server.ts';
import { launchChromium } from '../test/browser/chromium.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

const build = spawnSync(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts'],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
if (build.status !== 0) throw new Error('npm run build:web failed');
const server = await startServer({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=total-cost]');
  await page.waitForSelector('figure.diagram svg');
  await page.screenshot({ path: `${DOCS}web-design.png` });
  await page.click('a[href="#/simulate"]');
  await page.fill('textarea[name=yaml]', readFileSync(`${ROOT}scenarios/incast-16.yaml`, 'utf8'));
  await page.selectOption('select[name=engine]', 'packet');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=run-result] .chart[data-chart=flows] svg');
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${DOCS}web-simulate.png`, fullPage: true });
  await page.click('a[href="#/demo"]');
  await page.getByRole('button', { name: 'Run the quick demo' }).click();
  await page.waitForSelector('[data-testid=demo-progress][data-phase=done]', { timeout: 600_000 });
  const row = page.locator('tr[data-claim="Network demands|training"]');
  await row.locator('summary').click();
  await row.locator('.chart svg').last().waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${DOCS}web-demo.png`, fullPage: true });
  process.stdout.write(`wrote ${DOCS}web-design.png, web-simulate.png and web-demo.png\n`);
} finally {
  await browser.close();
  await server.close();
}
