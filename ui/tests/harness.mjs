// Test harness: serves the built ui/dist on a free loopback port, drives
// Debian's Chromium through playwright-core, and gives each test a page whose
// Tauri IPC is a scripted fake backend in Node that records every call.
//
// The page's IPC is Tauri's own mock (`@tauri-apps/api/mocks`: mockIPC with
// its event mocking, mockWindows), loaded by a module script the server puts
// ahead of the app's; every command it sees is forwarded to the backend in
// Node (window.__onrampBackend, bound with page.exposeFunction). Arguments
// cross as JSON, as in the real IPC, so a Channel arrives as "__CHANNEL__:<id>".
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { UPDATE_NOT_CHECKED } from './fixtures.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const DIST = resolve(here, '../dist');
const TAURI_MOCKS = await readFile(resolve(here, '../node_modules/@tauri-apps/api/mocks.js'), 'utf8');

/** Runs before the app's module: Tauri's IPC mock, wired to the backend in Node. */
const SETUP = `
import { mockIPC, mockWindows } from '/__test__/tauri-mocks.js';
mockWindows('main');
mockIPC(async (cmd, args) => {
  const answer = await window.__onrampBackend(cmd, JSON.parse(JSON.stringify(args ?? {})));
  if (answer.ok) return answer.value;
  throw answer.error;
}, { shouldMockEvents: true });
// What the tests need on top: which events the page listens to, and emitting one.
const internals = window.__TAURI_INTERNALS__;
const mocked = internals.invoke;
const listening = new Map();
internals.invoke = (cmd, args, options) => {
  if (cmd === 'plugin:event|listen') listening.set(args.event, (listening.get(args.event) ?? 0) + 1);
  if (cmd === 'plugin:event|unlisten') listening.set(args.event, (listening.get(args.event) ?? 1) - 1);
  return mocked(cmd, args, options);
};
window.__testListened = () => [...listening].filter(([, n]) => n > 0).map(([event]) => event);
window.__testEmit = async (event, payload) => {
  await mocked('plugin:event|emit', { event, payload });
  return listening.get(event) ?? 0;
};
`;
const SETUP_TAG = '<script type="module" src="/__test__/setup.js"></script>';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves ui/dist on 127.0.0.1 at a free port; resolves with its base URL and a close function. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/__test__/tauri-mocks.js' || path === '/__test__/setup.js') {
      res.writeHead(200, { 'content-type': TYPES['.js'] }).end(path.endsWith('setup.js') ? SETUP : TAURI_MOCKS);
      return;
    }
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      let body = await readFile(file);
      // The mock goes first: module scripts run in document order.
      if (file.endsWith('index.html')) body = String(body).replace('<head>', `<head>${SETUP_TAG}`);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launches /usr/bin/chromium headless (no Playwright browser download). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a backend handler throws to reject a command with an ErrorReport. */
export class Rejection {
  constructor(code, message, remediation) {
    this.report = remediation === undefined ? { code, message } : { code, message, remediation };
  }
}

/** A promise with its resolve/reject outside. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((ok, no) => {
    resolve = ok;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** What every page's backend answers unless the test says otherwise: no expiring credentials, no open request. */
const DEFAULT_HANDLERS = {
  update_status: () => UPDATE_NOT_CHECKED,
  expiry_list: () => ({ now_unix: Math.floor(Date.now() / 1000), items: [] }),
  take_open_request: () => null,
  keep_window: () => null,
};

/**
 * Opens the app in a new context at 1024x768 with a fake backend.
 * `handlers` maps a command to `(args, backend) => value | Promise<value>`;
 * a handler that throws a Rejection makes the command reject with its report.
 * A command with no handler (and none in DEFAULT_HANDLERS) rejects and is
 * listed in `backend.unhandled`.
 */
export async function openApp(browser, baseUrl, handlers, { viewport = { width: 1024, height: 768 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const backend = {
    page,
    calls: [],
    unhandled: [],
    errors: [],
    /** The calls of one command. */
    callsOf(cmd) {
      return this.calls.filter((c) => c.cmd === cmd);
    },
    /** Waits until `cmd` was called `count` times in all; returns its calls. */
    async waitForCalls(cmd, count = 1, timeout = 5000) {
      const end = Date.now() + timeout;
      while (this.callsOf(cmd).length < count) {
        if (Date.now() > end) throw new Error(`${cmd} was called ${this.callsOf(cmd).length} times, expected ${count}`);
        await new Promise((ok) => setTimeout(ok, 20));
      }
      return this.callsOf(cmd);
    },
    /** Sends one message through a channel the page passed ("__CHANNEL__:<id>"). */
    async channelSend(channel, index, message) {
      const id = Number(String(channel).replace('__CHANNEL__:', ''));
      await page.evaluate(([cid, data]) => window.__TAURI_INTERNALS__.runCallback(cid, data), [id, { index, message }]);
    },
    /** Ends a channel after `index` messages. */
    async channelEnd(channel, index) {
      const id = Number(String(channel).replace('__CHANNEL__:', ''));
      await page.evaluate(([cid, data]) => window.__TAURI_INTERNALS__.runCallback(cid, data), [id, { index, end: true }]);
    },
    /** Emits a shell event once the page listens to it; returns how many listeners got it. */
    async emit(event, payload) {
      await page.waitForFunction((e) => window.__testListened().includes(e), event);
      return page.evaluate(([e, p]) => window.__testEmit(e, p), [event, payload]);
    },
  };
  page.on('pageerror', (error) => backend.errors.push(String(error)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') backend.errors.push(msg.text());
  });
  await page.exposeFunction('__onrampBackend', async (cmd, args) => {
    backend.calls.push({ cmd, args });
    const handler = handlers[cmd] ?? DEFAULT_HANDLERS[cmd];
    if (handler === undefined) {
      backend.unhandled.push(cmd);
      return { ok: false, error: { code: 'not_supported', message: `the fake backend has no ${cmd}` } };
    }
    try {
      const value = await handler(args, backend);
      return { ok: true, value: value === undefined ? null : value };
    } catch (error) {
      if (error instanceof Rejection) return { ok: false, error: error.report };
      backend.errors.push(`handler ${cmd} threw: ${error?.stack ?? error}`);
      return { ok: false, error: { code: 'internal', message: String(error) } };
    }
  });
  await page.goto(baseUrl);
  return { page, backend, close: () => context.close() };
}

/** Whether the document is wider than the viewport (a horizontal scroll bar). */
export function horizontalOverflow(page) {
  return page.evaluate(() => {
    const el = document.documentElement;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, overflow: el.scrollWidth > el.clientWidth };
  });
}
