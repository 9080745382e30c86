// Open trendminer briefs in headless Debian Chromium and report what happened, as JSON.
//
//   node tests/browser/check.mjs [--screenshots DIR] [--label NAME] [--json FILE]
//                                [--widths 1400,420] [--no-axe] [--no-hostile-pass] PAGE.html|REPORT_DIR...
//
// For each page and each viewport width (default 1400 and 420 px): console errors and page
// errors, every request other than the file itself (all are intercepted and aborted), dialogs,
// axe-core violations, whether the page scrolls sideways (document.scrollingElement.scrollWidth
// > clientWidth, with the elements that stick out) and a full-page screenshot
// DIR/LABEL-PAGE-WIDTH.png. Once per page: elements or attributes that could only come from
// injected markup, and the load time.
// A second load with the page's Content-Security-Policy bypassed proves that escaping alone
// keeps payloads inert (window.__xss stays unset, no dialog). tests/test_browser.py asserts
// on the JSON; this script only observes. Exit code 0 unless the browser could not run.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const PAGES = ['index.html', 'digest.html', 'topics.html', 'systems.html', 'pain-points.html', 'knowledge.html', 'desk.html'];
const NARROW = 420; // px: a phone held upright
const CHROMIUM = process.env.TRENDMINER_CHROMIUM || '/usr/bin/chromium';
// Flags from the machine notes: without the background-networking ones Chromium tries to
// reach Google's hosts at start, which this closed network refuses.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

function parseArgs(argv) {
  const opts = { screenshots: null, label: 'page', json: null, axe: true, hostilePass: true, files: [],
    widths: [1400, 420] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--screenshots') opts.screenshots = argv[++i];
    else if (a === '--label') opts.label = argv[++i];
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '--widths') opts.widths = argv[++i].split(',').map(Number);
    else if (a === '--no-axe') opts.axe = false;
    else if (a === '--no-hostile-pass') opts.hostilePass = false;
    else if (existsSync(a) && statSync(a).isDirectory()) {
      // a report folder: its five pages, in navigation order
      for (const name of PAGES) opts.files.push(path.resolve(a, name));
    } else opts.files.push(path.resolve(a));
  }
  return opts;
}

// Runs in the page: anything here can only exist if markup was injected, since the
// templates emit no script, no event handler, no frame and only relative or #links.
function findInjected() {
  const found = [];
  const tag = (el) => el.tagName.toLowerCase();
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.toLowerCase().startsWith('on')) found.push(`${tag(el)}[${attr}]`);
    }
    if (['script', 'iframe', 'frame', 'object', 'embed', 'base', 'form', 'img', 'link',
      'video', 'audio', 'math'].includes(tag(el))) found.push(`<${tag(el)}>`);
    if (tag(el) === 'meta' && el.getAttribute('http-equiv') &&
        el.getAttribute('http-equiv').toLowerCase() !== 'content-security-policy') found.push('<meta http-equiv>');
    const style = el.getAttribute('style');
    if (style && /url\s*\(|expression/i.test(style)) found.push(`${tag(el)}[style=url()]`);
    for (const attr of ['href', 'src', 'xlink:href', 'action', 'formaction']) {
      const v = el.getAttribute(attr);
      if (v !== null && /^\s*(javascript|vbscript|data|https?|ftp):|^\s*\/\//i.test(v)) {
        found.push(`${tag(el)}[${attr}=${v.slice(0, 60)}]`);
      }
    }
  }
  if (window.__xss) found.push('window.__xss was set');
  if (document.title.includes('<') || document.head.querySelectorAll('title').length !== 1) found.push('broken <title>');
  return found;
}

// Runs in the page: does it scroll sideways, and which elements stick out of the viewport
// without a scrolling box (overflow-x other than visible) of their own around them?
function measureScroll() {
  const vw = document.documentElement.clientWidth;
  const out = { scrollWidth: document.scrollingElement.scrollWidth, clientWidth: vw,
    innerWidth: window.innerWidth, overflowing: [] };
  const boxed = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > vw + 0.5 && !boxed(el)) {
      const id = el.id ? `#${el.id}` : (el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : '');
      out.overflowing.push(`${el.tagName.toLowerCase()}${id} right=${Math.round(r.right)}`);
      if (out.overflowing.length >= 8) break;
    }
  }
  // the smallest text a reader has to read (SVG chart labels scale with the chart; not counted)
  out.minFontPx = 1000;
  for (const el of document.body.querySelectorAll('p, li, td, th, h1, h2, h3, h4, q, a, span, strong')) {
    if (el.textContent.trim() && !el.closest('svg')) out.minFontPx = Math.min(out.minFontPx, parseFloat(getComputedStyle(el).fontSize));
  }
  // issue 22: the ranking's Recommendation and Trouble headers are on screen without scrolling
  const ranking = document.querySelector('table.ranking');
  out.rankingVisible = ranking ? [...ranking.querySelectorAll('thead th')]
    .filter((th) => ['Recommendation', 'Trouble'].includes(th.textContent.trim()))
    .every((th) => th.getBoundingClientRect().right <= vw + 0.5) : null;
  // names broken inside a word: one word of a .name element spread over two line boxes
  out.brokenNames = [];
  for (const el of document.querySelectorAll('.name')) {
    const node = el.firstChild;
    if (!node || node.nodeType !== 3) continue;
    const re = /\S+/g;
    let m;
    while ((m = re.exec(node.textContent))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) { out.brokenNames.push(m[0]); break; }
    }
    if (out.brokenNames.length >= 8) break;
  }
  // the smallest chart text as rendered (font size times the SVG's scale on screen)
  out.chartMinFontPx = null;
  out.chartMinFontAt = null;
  for (const t of document.querySelectorAll('svg text')) {
    const ctm = t.getScreenCTM();
    if (!t.textContent.trim() || !ctm) continue;
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    if (out.chartMinFontPx === null || px < out.chartMinFontPx) {
      out.chartMinFontPx = px;
      out.chartMinFontAt = `${t.closest('svg').getAttribute('class')}: ${t.textContent.trim().slice(0, 40)}`;
    }
  }
  return out;
}

async function openPage(browser, file, { bypassCSP, width = 1400 }) {
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP });
  const seen = { consoleErrors: [], requests: [], dialogs: [] };
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    seen.requests.push(u);
    return route.abort('blockedbyclient');
  });
  context.on('request', (req) => {
    const u = req.url();
    if (u !== url && !seen.requests.includes(u)) seen.requests.push(u);
  });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') seen.consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => seen.consoleErrors.push(`pageerror: ${err.message}`));
  page.on('dialog', async (d) => { seen.dialogs.push(`${d.type()}: ${d.message()}`); await d.dismiss(); });
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  const loadMs = performance.now() - t0;
  await page.waitForTimeout(150); // let a late onerror / onload handler fire, if any exists
  return { context, page, seen, loadMs, url };
}

async function checkFile(browser, file, opts, axeSource) {
  const out = { file, name: path.basename(file), label: opts.label, consoleErrors: [], requests: [],
    dialogs: [], widths: {} };
  for (const [k, width] of opts.widths.entries()) {
    const { context, page, seen, loadMs } = await openPage(browser, file, { bypassCSP: false, width });
    // the same error or request at two widths is listed once
    for (const key of ['consoleErrors', 'requests', 'dialogs']) {
      for (const item of seen[key]) if (!out[key].includes(item)) out[key].push(item);
    }
    const w = { scroll: await page.evaluate(measureScroll) };
    if (k === 0) {
      out.loadMs = Math.round(loadMs);
      out.navTiming = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        return n ? { domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) } : null;
      });
      out.injected = await page.evaluate(findInjected);
      out.title = await page.title();
    }
    if (opts.screenshots) {
      mkdirSync(opts.screenshots, { recursive: true });
      w.screenshot = path.resolve(opts.screenshots, `${opts.label}-${path.basename(file, '.html')}-${width}.png`);
      await page.screenshot({ path: w.screenshot, fullPage: true });
    }
    if (axeSource) {
      // page.evaluate goes through the DevTools protocol, which the page's CSP does not govern.
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      w.axe = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')), count: v.nodes.length }));
    }
    out.widths[width] = w;
    await context.close();
  }
  // the first width's results under the names older callers read
  Object.assign(out, { screenshot: out.widths[opts.widths[0]].screenshot, axe: out.widths[opts.widths[0]].axe });
  if (opts.hostilePass) {
    const second = await openPage(browser, file, { bypassCSP: true, width: opts.widths[0] });
    out.noCsp = { dialogs: second.seen.dialogs, injected: await second.page.evaluate(findInjected),
      xss: await second.page.evaluate(() => Boolean(window.__xss)) };
    await second.context.close();
  }
  return out;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts.files.length) throw new Error('no pages given');
  const axeSource = opts.axe ? readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const report = { chromium: browser.version(), pages: [] };
  try {
    for (const f of opts.files) report.pages.push(await checkFile(browser, f, opts, axeSource));
  } finally {
    await browser.close();
  }
  const text = JSON.stringify(report, null, 2);
  if (opts.json) writeFileSync(opts.json, text); else process.stdout.write(text + '\n');
}

main().catch((err) => { console.error(err.stack || String(err)); process.exit(2); });
