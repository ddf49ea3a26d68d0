/**
 * The REPL webview: its document (CSP, nonce, the bundle loaded by URI) and
 * its script — dist/repl-webview.js exactly as esbuild.mjs built it — run in
 * a small DOM-less harness (fake elements, a fake `acquireVsCodeApi`, timers
 * run by hand). The script must post what the panel (extension/repl-panel.ts)
 * waits for and render what the panel sends; a broken or missing bundle, or
 * a message it no longer handles, fails here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';
import { makeNonce, replHtml, WEBVIEW_BUNDLE } from '../../extension/repl-webview/html';
import type { FromWebview, ToWebview } from '../../extension/repl-webview/messages';

const bundlePath = path.join(__dirname, '../../dist', WEBVIEW_BUNDLE);
type Listener = (event: Record<string, unknown>) => void;

class FakeNode {
  readonly listeners = new Map<string, Listener[]>();
  children: FakeNode[] = [];
  private text = '';
  className = '';
  dataset: Record<string, string> = {};
  attributes: Record<string, string> = {};
  style: Record<string, string> = {};
  value = '';
  selectionStart = 0;
  selectionEnd = 0;
  disabled = false;
  open = false;
  tabIndex = -1;
  title = '';
  src = '';
  alt = '';
  scrollTop = 0;
  scrollHeight = 0;
  clientHeight = 0;
  readonly classList = {
    set: new Set<string>(),
    add: (c: string) => { this.classList.set.add(c); },
    remove: (c: string) => { this.classList.set.delete(c); },
    toggle: (c: string, on?: boolean) => { if (on ?? !this.classList.set.has(c)) this.classList.set.add(c); else this.classList.set.delete(c); },
    replace: (a: string, b: string) => { if (this.classList.set.delete(a)) this.classList.set.add(b); },
    contains: (c: string) => this.classList.set.has(c),
  };

  constructor(readonly tagName: string) {}
  get textContent(): string {
    return this.tagName === '#text' ? this.text : this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    if (this.tagName === '#text') this.text = value;
    else this.children = value === '' ? [] : [textNode(value)];
  }
  // The script must never hand markup to the DOM.
  set innerHTML(_: string) { throw new Error('innerHTML used'); }
  get childElementCount(): number { return this.children.filter((c) => c.tagName !== '#text').length; }
  appendChild(n: FakeNode): FakeNode { this.children.push(n); return n; }
  replaceChildren(...n: FakeNode[]): void { this.children = n; }
  setAttribute(k: string, v: string): void { this.attributes[k] = v; }
  addEventListener(type: string, fn: Listener): void { this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]); }
  dispatch(type: string, event: Record<string, unknown> = {}): { defaultPrevented: boolean } {
    const e = { defaultPrevented: false, preventDefault() { e.defaultPrevented = true; }, ...event };
    for (const fn of this.listeners.get(type) ?? []) fn(e);
    return e;
  }
  scrollIntoView(): void {}
  focus(): void {}
  /** Every node below with this tag, depth first. */
  all(tag: string): FakeNode[] {
    return this.children.flatMap((c) => [...(c.tagName === tag ? [c] : []), ...c.all(tag)]);
  }
}
const textNode = (text: string) => { const n = new FakeNode('#text'); n.textContent = text; return n; };

/** Loads the bundle into a fresh context with the elements replHtml's body has. */
function loadWebview() {
  const ids = ['log', 'input', 'completions', 'stop', 'clear', 'preview', 'state', 'busy'];
  const byId = new Map(ids.map((id) => [id, new FakeNode(id === 'input' ? 'textarea' : 'div')]));
  const body = new FakeNode('body');
  const win = new FakeNode('window');
  const posted: FromWebview[] = [];
  const timers: Array<() => void> = [];
  const document = {
    body,
    getElementById: (id: string) => byId.get(id) ?? null,
    createElement: (tag: string) => new FakeNode(tag),
    createTextNode: textNode,
    createDocumentFragment: () => new FakeNode('#fragment'),
  };
  const context = vm.createContext({
    document, window: win,
    acquireVsCodeApi: () => ({ postMessage: (m: FromWebview) => posted.push(JSON.parse(JSON.stringify(m))) }),
    setTimeout: (fn: () => void) => timers.push(fn),
    clearTimeout: () => {},
  });
  vm.runInContext(readFileSync(bundlePath, 'utf8'), context, { filename: bundlePath });
  const el = (id: string) => byId.get(id)!;
  return {
    posted, el, body,
    send: (m: ToWebview) => win.dispatch('message', { data: m }),
    key: (key: string, more: Record<string, unknown> = {}) => el('input').dispatch('keydown', { key, shiftKey: false, altKey: false, ctrlKey: false, isComposing: false, ...more }),
    type: (text: string) => { const i = el('input'); i.value = text; i.selectionStart = i.selectionEnd = text.length; i.dispatch('input'); },
    runTimers: () => timers.splice(0).forEach((fn) => fn()),
  };
}

test('the bundle starts by posting ready (the panel sends nothing before it)', () => {
  const w = loadWebview();
  assert.deepEqual(w.posted, [{ type: 'ready' }]);
  assert.equal(w.el('stop').disabled, true);
});

test('a run: Enter posts the input, the transcript shows what the panel sends back', () => {
  const w = loadWebview();
  w.send({ type: 'init', history: ['older()'], folder: 'wt' });
  w.type('1 + 1');
  assert.equal(w.key('Enter').defaultPrevented, true);
  assert.deepEqual(w.posted.at(-1), { type: 'run', code: '1 + 1' });
  assert.equal(w.el('input').value, '');

  w.send({ type: 'state', busy: true, text: 'running' });
  assert.equal(w.body.classList.contains('busy'), true);
  assert.equal(w.el('stop').disabled, false);
  assert.equal(w.el('state').textContent, 'running');
  w.el('stop').dispatch('click');
  assert.deepEqual(w.posted.at(-1), { type: 'stop' });

  w.send({ type: 'line', id: 7, level: 'log', text: 'hello from the session' });
  w.send({ type: 'value', id: 7, tree: { text: '{ a: 1 }', kind: 'object', children: [{ label: 'a', text: '1', kind: 'number' }] } });
  w.send({ type: 'exception', id: 7, title: 'Error: boom', stack: [{ text: '    at main.js:3:5', frame: { path: 'main.js', line: 3, column: 5 } }] });
  w.send({ type: 'display', id: 7, slot: 1, view: { kind: 'text', text: 'shown text' } });
  w.send({ type: 'end', id: 7, level: 'info', text: '✓ 3 ms' });
  w.send({ type: 'state', busy: false, text: '' });
  const log = w.el('log');
  assert.equal(log.children.length, 1, 'one entry per execution id');
  const text = log.textContent;
  for (const part of ['hello from the session', '{ a: 1 }', 'Error: boom', 'at main.js:3:5', 'shown text', '✓ 3 ms']) assert.ok(text.includes(part), `transcript shows ${part}: ${text}`);
  log.all('a')[0].dispatch('click');
  assert.deepEqual(w.posted.at(-1), { type: 'open', path: 'main.js', line: 3, column: 5 });

  // History: the init list plus what ran, Up walks back.
  w.key('ArrowUp');
  assert.equal(w.el('input').value, '1 + 1');
  w.key('ArrowUp');
  assert.equal(w.el('input').value, 'older()');

  w.send({ type: 'clear' });
  assert.equal(log.children.length, 0);
  w.key('l', { ctrlKey: true });
  assert.deepEqual(w.posted.at(-1), { type: 'clear' });
});

test('Tab asks for completions and applies the answer; typing asks for a preview after a pause', () => {
  const w = loadWebview();
  w.type('Math.ma');
  w.runTimers();
  assert.deepEqual(w.posted.at(-1), { type: 'preview', requestId: 1, code: 'Math.ma' });
  w.send({ type: 'preview', requestId: 1, text: 'undefined' });
  assert.equal(w.el('preview').textContent, 'undefined');

  w.key('Tab');
  assert.deepEqual(w.posted.at(-1), { type: 'complete', requestId: 1, code: 'Math.ma', cursor: 7 });
  w.send({ type: 'completions', requestId: 1, start: 5, end: 7, items: [{ label: 'max', kind: 'function' }] });
  assert.equal(w.el('input').value, 'Math.max');

  w.type('Math.');
  w.key('Tab');
  w.send({ type: 'completions', requestId: 2, start: 5, end: 5, items: [{ label: 'abs', kind: 'function' }, { label: 'acos', kind: 'function' }] });
  assert.deepEqual(w.el('completions').children.map((c) => c.textContent), ['abs', 'acos'], 'two candidates are listed');
  w.key('ArrowDown');
  w.key('Enter');
  assert.equal(w.el('input').value, 'Math.acos');
  assert.notDeepEqual(w.posted.at(-1), { type: 'run', code: 'Math.' }, 'Enter picked the candidate, it did not run');
});

test('the document has a strict CSP and loads only the nonce-carrying bundle', () => {
  const nonce = makeNonce(randomBytes);
  assert.match(nonce, /^[A-Za-z0-9]{16,}$/);
  const uri = 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/repl-webview.js';
  const html = replHtml('https://webview.example', nonce, uri);
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const scripts = html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
  assert.deepEqual(scripts, [`<script nonce="${nonce}" src="${uri}"></script>`], 'one script: the bundle, by URI, no inline code');
  assert.equal((html.match(/<style/g) ?? []).length, (html.match(new RegExp(`<style nonce="${nonce}"`, 'g')) ?? []).length);
  assert.doesNotMatch(html, / style="/, 'no inline style attributes (blocked by the CSP)');
  assert.doesNotMatch(readFileSync(bundlePath, 'utf8'), /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});

test('colours come from VS Code theme variables only', () => {
  const html = replHtml('x', 'n', 'u');
  const style = /<style[^>]*>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  assert.doesNotMatch(style, /#[0-9a-fA-F]{3,8}\b|rgb\(|hsl\(/);
  assert.match(style, /var\(--vscode-editor-background\)/);
});
