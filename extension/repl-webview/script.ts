/**
 * The REPL webview's script. It runs in the webview, not in the extension
 * host: `main.ts` is its entry, bundled by esbuild for the browser into
 * dist/repl-webview.js, which the panel loads with `asWebviewUri`.
 * Everything is rendered with createElement/textContent — never innerHTML —
 * so output cannot inject markup; HTML from display() is rebuilt from an
 * allow-list by `sanitizeHtml` (sanitize.ts).
 */
import { InputHistory } from '../history';
import { sanitizeHtml } from './sanitize';
import type { RichView } from './rich';
import type { FromWebview, ToWebview } from './messages';
import type { TreeNode } from '../value-tree';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

export function webviewMain(): void {
  const History = InputHistory;
  const sanitize = sanitizeHtml;
  const vscode = acquireVsCodeApi();
  const post = (m: FromWebview) => vscode.postMessage(m);
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const log = $<HTMLDivElement>('log');
  const input = $<HTMLTextAreaElement>('input');
  const list = $<HTMLDivElement>('completions');
  const stopButton = $<HTMLButtonElement>('stop');
  const previewLine = $<HTMLDivElement>('preview');
  const stateText = $<HTMLSpanElement>('state');
  const entries = new Map<number, HTMLDivElement>();
  let history = new History([]);
  let busy = false;
  let completionRequest = 0;
  // The eager preview: asked a moment after typing stops (one request per pause, not per key).
  let previewRequest = 0;
  let previewTimer: ReturnType<typeof setTimeout> | undefined;
  function askPreview(): void {
    previewLine.textContent = '';
    previewRequest++;
    if (previewTimer) clearTimeout(previewTimer);
    const code = input.value;
    if (busy || code.trim() === '') return;
    const requestId = previewRequest;
    previewTimer = setTimeout(() => post({ type: 'preview', requestId, code }), 60);
  }
  let completion: { start: number; end: number; labels: string[]; selected: number } | undefined;

  function el(tag: string, cls?: string, text?: string): HTMLElement {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function atBottom(): boolean {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  }

  function append(id: number, node: HTMLElement): void {
    let entry = entries.get(id);
    // A new entry always comes into view; later lines follow only if the user did not scroll up.
    const stick = !entry || atBottom();
    if (!entry) {
      entry = el('div', 'entry') as HTMLDivElement;
      entry.dataset.id = String(id);
      entries.set(id, entry);
      log.appendChild(entry);
    }
    entry.appendChild(node);
    if (stick) log.scrollTop = log.scrollHeight;
  }

  function renderTree(node: TreeNode): HTMLElement {
    const label = (parent: HTMLElement) => {
      if (node.label !== undefined) {
        parent.appendChild(el('span', 'key', node.label));
        parent.appendChild(document.createTextNode(': '));
      }
    };
    if (!node.children || node.children.length === 0) {
      const leaf = el('div', 'leaf');
      label(leaf);
      leaf.appendChild(el('span', `k-${node.kind}`, node.text));
      return leaf;
    }
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    label(summary);
    summary.appendChild(el('span', `k-${node.kind}`, node.text));
    details.appendChild(summary);
    const kids = el('div', 'kids');
    // Children are built when first opened: big values stay cheap.
    details.addEventListener('toggle', () => {
      if (details.open && kids.childElementCount === 0) for (const c of node.children ?? []) kids.appendChild(renderTree(c));
    });
    details.appendChild(kids);
    return details;
  }

  function renderValue(tree: TreeNode): HTMLElement {
    const box = el('div', 'value');
    const t = el('span', 'tree');
    t.appendChild(renderTree(tree));
    box.appendChild(t);
    return box;
  }

  function renderException(title: string, stack: Array<{ text: string; frame?: { path: string; line: number; column: number } }>): HTMLElement {
    const box = el('div', 'exception');
    box.appendChild(el('div', 'title', title));
    for (const line of stack) {
      const row = el('div', 'frame');
      const frame = line.frame;
      if (frame) {
        const a = el('a', undefined, line.text.trim());
        a.setAttribute('role', 'link');
        a.tabIndex = 0;
        a.title = `Open ${frame.path}:${frame.line}`;
        const open = () => post({ type: 'open', path: frame.path, line: frame.line, column: frame.column });
        a.addEventListener('click', open);
        a.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
        row.appendChild(a);
      } else {
        row.textContent = line.text.trim();
      }
      box.appendChild(row);
    }
    return box;
  }

  const slots = new Map<number, HTMLElement>();

  function renderRich(view: RichView): HTMLElement {
    const box = el('div', `display ${view.kind}`);
    if (view.kind === 'html') box.appendChild(sanitize(view.html, document));
    else if (view.kind === 'image') {
      const img = document.createElement('img');
      if (/^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,/.test(view.src)) img.src = view.src;
      img.alt = view.alt;
      box.appendChild(img);
    } else box.appendChild(el('pre', undefined, view.text));
    return box;
  }

  function setBusy(b: boolean, text: string): void {
    busy = b;
    document.body.classList.toggle('busy', b);
    stopButton.disabled = !b;
    stateText.textContent = text;
  }

  function autosize(): void {
    input.style.height = 'auto';
    input.style.height = `${input.scrollHeight + 2}px`;
  }

  function setInput(code: string, cursor = code.length): void {
    input.value = code;
    input.selectionStart = input.selectionEnd = cursor;
    autosize();
    askPreview();
  }

  function closeCompletions(): void {
    completion = undefined;
    list.classList.remove('open');
    list.replaceChildren();
  }

  function accept(label: string): void {
    if (!completion) return;
    const code = input.value;
    setInput(code.slice(0, completion.start) + label + code.slice(completion.end), completion.start + label.length);
    closeCompletions();
  }

  function showCompletions(): void {
    if (!completion) return;
    list.replaceChildren();
    completion.labels.forEach((label, i) => {
      const row = el('div', i === completion!.selected ? 'selected' : undefined, label);
      row.setAttribute('role', 'option');
      row.addEventListener('mousedown', (e) => { e.preventDefault(); accept(label); });
      list.appendChild(row);
    });
    list.classList.add('open');
    (list.children[completion.selected] as HTMLElement | undefined)?.scrollIntoView({ block: 'nearest' });
  }

  function onCompletions(m: Extract<ToWebview, { type: 'completions' }>): void {
    if (m.requestId !== completionRequest || input.selectionStart !== input.selectionEnd) return;
    const labels = m.items.map((i) => i.label);
    if (labels.length === 0) return;
    completion = { start: m.start, end: m.end, labels, selected: 0 };
    if (labels.length === 1) {
      accept(labels[0]);
      return;
    }
    // Extend to what all candidates share, then let the user pick.
    let common = labels[0];
    for (const l of labels) while (!l.startsWith(common)) common = common.slice(0, -1);
    const typed = input.value.slice(m.start, input.selectionStart);
    if (common.length > typed.length) {
      const code = input.value;
      setInput(code.slice(0, m.start) + common + code.slice(input.selectionStart), m.start + common.length);
      completion.end = m.start + common.length + (m.end - (m.start + typed.length));
    }
    showCompletions();
  }

  function run(): void {
    const code = input.value;
    if (code.trim() === '' || busy) return;
    history.push(code);
    setInput('');
    post({ type: 'run', code });
  }

  input.addEventListener('input', () => { autosize(); closeCompletions(); askPreview(); });
  input.addEventListener('keydown', (e) => {
    const before = input.value.slice(0, input.selectionStart);
    const after = input.value.slice(input.selectionEnd);
    if (completion) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = completion.labels.length;
        completion.selected = (completion.selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
        showCompletions();
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        accept(completion.labels[completion.selected]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        closeCompletions();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing) {
      e.preventDefault();
      run();
    } else if (e.key === 'Tab' && !e.shiftKey) {
      e.preventDefault();
      completionRequest++;
      post({ type: 'complete', requestId: completionRequest, code: input.value, cursor: input.selectionStart });
    } else if (e.key === 'ArrowUp' && !before.includes('\n')) {
      const prev = history.up(input.value);
      if (prev !== undefined) { e.preventDefault(); setInput(prev); }
    } else if (e.key === 'ArrowDown' && !after.includes('\n')) {
      const next = history.down();
      if (next !== undefined) { e.preventDefault(); setInput(next); }
    } else if (e.key === 'c' && e.ctrlKey && busy && input.selectionStart === input.selectionEnd) {
      e.preventDefault();
      post({ type: 'stop' });
    } else if (e.key === 'l' && e.ctrlKey) {
      e.preventDefault();
      post({ type: 'clear' });
    }
  });
  input.addEventListener('blur', () => closeCompletions());
  stopButton.addEventListener('click', () => post({ type: 'stop' }));
  $<HTMLButtonElement>('clear').addEventListener('click', () => post({ type: 'clear' }));

  window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    const m = event.data;
    switch (m.type) {
      case 'init':
        history = new History(m.history);
        break;
      case 'begin':
        append(m.id, el('div', 'line head', `▶ ${m.title}${m.origin === 'watch' ? '  (watch)' : ''}`));
        break;
      case 'line':
        append(m.id, el('div', `line ${m.level}`, m.text));
        break;
      case 'value':
        append(m.id, renderValue(m.tree));
        break;
      case 'exception':
        append(m.id, renderException(m.title, m.stack));
        break;
      case 'end':
        append(m.id, el('div', `line foot ${m.level}`, m.text));
        break;
      case 'display': {
        const node = renderRich(m.view);
        slots.set(m.slot, node);
        append(m.id, node);
        break;
      }
      case 'displayHtml': {
        const node = slots.get(m.slot);
        if (node) node.replaceChildren(sanitize(m.html, document));
        node?.classList.replace('markdown', 'html');
        break;
      }
      case 'state':
        setBusy(m.busy, m.text);
        break;
      case 'completions':
        onCompletions(m);
        break;
      case 'preview':
        // An answer for what is still typed; '' (no value, a side effect refused) shows nothing.
        if (m.requestId === previewRequest) previewLine.textContent = m.text;
        break;
      case 'clear':
        log.replaceChildren();
        entries.clear();
        slots.clear();
        break;
    }
  });

  setBusy(false, '');
  autosize();
  input.focus();
  post({ type: 'ready' });
}
