import { existsSync, mkdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), which playwright-core drives. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser suites write their screenshots for a reviewer (gitignored). */
export const ARTIFACTS = join(__dirname, '..', 'artifacts');

/** Headless Chromium, or a clear failure saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}: install it with ` +
        '`apt-get install -y chromium` (or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root in a container Chromium has no user namespace sandbox to use.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A context of its own (own localStorage), like a separate person's browser. */
export async function newPerson(
  browser: Browser,
  options: { locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: { width: 1366, height: 768 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/**
 * A site of another origin than the service (another port) that embeds the widget with the
 * documented tag, under styles hostile to any widget that would not be isolated from them.
 */
export class HostSite {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(serviceOrigin: string): Promise<HostSite> {
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://host');
      const widgetKey = url.searchParams.get('key') ?? '';
      if (url.pathname !== '/' || !/^[\w-]+$/.test(widgetKey)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Example shop</title>
    <style>
      body { font-family: Georgia, serif; background: #fdf6e3; margin: 40px; }
      * { color: #c0392b !important; font-size: 22px; }
      button { background: #f1c40f; padding: 30px; }
      div { border: 3px dashed #8e44ad; }
    </style>
  </head>
  <body>
    <h1>Example shop</h1>
    <p>Welcome to a page of another origin than Switchboard.</p>
    <script src="${serviceOrigin}/widget.js" data-widget-key="${widgetKey}" async></script>
  </body>
</html>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new HostSite(server, `http://localhost:${port}`);
  }

  /** The page embedding the widget of `widgetKey`. */
  page(widgetKey: string): string {
    return `${this.origin}/?key=${encodeURIComponent(widgetKey)}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
