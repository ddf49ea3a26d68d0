/**
 * The REPL webview document: strict CSP (nothing but our nonce'd style and
 * script), theme variables. The script is dist/repl-webview.js (bundled from
 * main.ts), given as the webview URI the panel made with `asWebviewUri`.
 */
import { STYLE } from './style';

/** The bundle's file name in dist/ (esbuild.mjs writes it, the panel serves it). */
export const WEBVIEW_BUNDLE = 'repl-webview.js';

export function replHtml(cspSource: string, nonce: string, scriptUri: string): string {
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    // display() images arrive as data URLs (base64 PNG/JPEG/GIF/WebP, SVG as an image: no scripts).
    `img-src ${cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>VM System REPL</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<div id="toolbar">
  <span id="busy" title="running"></span>
  <span id="state"></span>
  <button id="stop" title="Stop the running execution (Ctrl+C)">Stop</button>
  <button id="clear" title="Clear the transcript (Ctrl+L)">Clear</button>
</div>
<div id="log" role="log" aria-live="polite"></div>
<div id="inputRow">
  <div id="completions" role="listbox"></div>
  <span class="chevron">›</span>
  <textarea id="input" rows="1" spellcheck="false" aria-label="REPL input"
    placeholder="JavaScript — Enter runs, Shift+Enter adds a line, Tab completes, ↑/↓ history"></textarea>
</div>
<div id="preview" aria-live="polite"></div>
<script nonce="${nonce}" src="${escapeAttribute(scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function makeNonce(random: (n: number) => Buffer): string {
  return random(18).toString('base64').replace(/[+/=]/g, '');
}
