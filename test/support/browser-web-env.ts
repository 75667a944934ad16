/**
 * The website as a browser reaches it: the web test environment's app on a real HTTP server,
 * and a headless Chromium (browser.ts). `prepare` fills the database before the server starts.
 */
import type { Browser } from "playwright-core";
import { startHttpServer, type HttpServer } from "../../src/api/serve.ts";
import { launchBrowser } from "./browser.ts";
import { createWebTestEnv, type WebTestEnv } from "./web-setup.ts";

export interface BrowserWebEnv {
  readonly env: WebTestEnv;
  readonly server: HttpServer;
  readonly browser: Browser;
}

export async function createBrowserWebEnv(label: string, prepare?: (env: WebTestEnv) => Promise<void>): Promise<BrowserWebEnv> {
  const env = await createWebTestEnv(label);
  await prepare?.(env);
  const server = await startHttpServer(env.app, { host: "127.0.0.1", port: 0, log: env.log });
  return { env, server, browser: await launchBrowser() };
}

export async function closeBrowserWebEnv(web: Partial<BrowserWebEnv>): Promise<void> {
  await web.browser?.close();
  await web.server?.close();
  await web.env?.close();
}
