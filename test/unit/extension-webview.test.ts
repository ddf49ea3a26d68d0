import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { makeNonce, replHtml, replScript } from '../../extension/repl-webview/html';

test('the webview script is valid JavaScript once serialised', () => {
  assert.doesNotThrow(() => new Function(replScript()));
  assert.doesNotThrow(() => new Function(replScript().replace(/^var __name[^\n]*\n/, '')), 'also without keepNames');
});

test('the webview document has a strict CSP and only nonce-carrying style and script', () => {
  const nonce = makeNonce(randomBytes);
  assert.match(nonce, /^[A-Za-z0-9]{16,}$/);
  const html = replHtml('https://webview.example', nonce);
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal((html.match(/<script/g) ?? []).length, (html.match(new RegExp(`<script nonce="${nonce}"`, 'g')) ?? []).length);
  assert.equal((html.match(/<style/g) ?? []).length, (html.match(new RegExp(`<style nonce="${nonce}"`, 'g')) ?? []).length);
  assert.doesNotMatch(html, / style="/, 'no inline style attributes (blocked by the CSP)');
  assert.doesNotMatch(replScript(), /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});

test('colours come from VS Code theme variables only', () => {
  const html = replHtml('x', 'n');
  const style = /<style[^>]*>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  assert.doesNotMatch(style, /#[0-9a-fA-F]{3,8}\b|rgb\(|hsl\(/);
  assert.match(style, /var\(--vscode-editor-background\)/);
});
