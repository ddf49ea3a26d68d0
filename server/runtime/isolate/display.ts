/**
 * The session's `display` global: rich output as MIME bundles
 * (`{[mime]: string}`, `text/plain` always present, binary data base64),
 * sent to the host as `display` events. Bundles are checked here, before they
 * leave the isolate: only string values, MIME-type keys, a size bound, and
 * JSON metadata; anything else throws into the calling code, which is where
 * the mistake is. The host counts events and bytes against the execution's
 * limits (like console output) and answers false once it is stopping.
 */
import * as P from './primordials';
import * as T from './types';
import { describeValue, toJson } from './describe';
import { inspect } from './inspect';
import { gridRows, renderTable, tabulate } from './console-table';
import type { HostBridge } from './bridge';

/** What a value offers to show itself: `[DISPLAY_SYMBOL]()` returns a bundle, or `{data, metadata}`. */
export const DISPLAY_SYMBOL: unique symbol = P.SymbolFor('vm-system.display') as any;

/** Characters one bundle may hold (all its strings together), whatever the execution's output limit. */
export const MAX_BUNDLE_CHARS = 16 * 1024 * 1024;
/** `type/subtype`, as RFC 6838 restricts the names (parameters are not allowed). */
const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:image\/png;base64,/i;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

type Bundle = Record<string, string>;

export function createDisplay(bridge: HostBridge): Function {
  function send(data: Bundle, metadata: unknown): void {
    let metadataJson = '';
    if (metadata !== undefined) {
      const json = toJson(metadata);
      if (!json.ok || json.json === null || typeof json.json !== 'object' || P.ArrayIsArray(json.json)) {
        throw new P.TypeErrorCtor('display: metadata must be a plain JSON object');
      }
      metadataJson = P.JSONStringify(json.json);
    }
    bridge.display(P.JSONStringify(data), metadataJson);
  }

  /** A bundle as given by session code, checked and copied (a null-prototype record of strings). */
  function checkBundle(raw: unknown, plainFallback: () => string): Bundle {
    if (raw === null || typeof raw !== 'object' || P.ArrayIsArray(raw)) {
      throw new P.TypeErrorCtor('display: a MIME bundle must be an object such as { "text/html": "<b>hi</b>" }');
    }
    const data: Bundle = P.ObjectCreate(null);
    let chars = 0;
    for (const key of P.ObjectKeys(raw)) {
      const value = (raw as Record<string, unknown>)[key];
      if (P.RegExpPrototypeExec(MIME, key) === null) throw new P.TypeErrorCtor(`display: '${key}' is not a MIME type (type/subtype)`);
      if (typeof value !== 'string') throw new P.TypeErrorCtor(`display: the value for '${key}' must be a string, not ${value === null ? 'null' : typeof value}`);
      chars += value.length;
      data[key] = value;
    }
    if (!P.ObjectPrototypeHasOwnProperty(data, 'text/plain')) {
      const plain = plainFallback();
      chars += plain.length;
      data['text/plain'] = plain;
    }
    if (chars > MAX_BUNDLE_CHARS) throw new P.RangeErrorCtor(`display: the bundle holds ${chars} characters, more than ${MAX_BUNDLE_CHARS}`);
    return data;
  }

  const display = function display(value: unknown): undefined {
    const preview = () => describeValue(value).preview;
    const method = value !== null && (typeof value === 'object' || typeof value === 'function') ? (value as any)[DISPLAY_SYMBOL] : undefined;
    if (typeof method !== 'function') {
      send(checkBundle({}, preview), undefined);
      return undefined;
    }
    const offered = P.ReflectApply(method, value, []);
    // `{data, metadata}` (like Jupyter's _repr_mimebundle_ pair) or the bundle itself: `data` is no MIME type.
    if (offered !== null && typeof offered === 'object' && P.ObjectPrototypeHasOwnProperty(offered, 'data')) {
      send(checkBundle((offered as { data: unknown }).data, preview), (offered as { metadata?: unknown }).metadata);
    } else {
      send(checkBundle(offered, preview), undefined);
    }
    return undefined;
  };

  const helpers: Record<string, Function> = {
    html(html: unknown) {
      const s = text(html, 'html');
      send(checkBundle({ 'text/html': s, 'text/plain': s }, () => s), undefined);
    },
    markdown(markdown: unknown) {
      const s = text(markdown, 'markdown');
      send(checkBundle({ 'text/markdown': s, 'text/plain': s }, () => s), undefined);
    },
    svg(svg: unknown) {
      const s = text(svg, 'svg');
      send(checkBundle({ 'image/svg+xml': s, 'text/plain': `[SVG image, ${s.length} characters]` }, () => ''), undefined);
    },
    png(image: unknown) {
      const { base64, head, length } = pngData(image);
      const size = pngSize(head);
      const plain = `[PNG image${size ? ` ${size.width}×${size.height}` : ''}, ${length} bytes]`;
      send(checkBundle({ 'image/png': base64, 'text/plain': plain }, () => plain), size ? { 'image/png': size } : undefined);
    },
    json(value: unknown) {
      const json = toJson(value);
      if (!json.ok) throw new P.TypeErrorCtor('display.json: the value is not JSON-serialisable (or too large)');
      send(checkBundle({ 'application/json': P.JSONStringify(json.json), 'text/plain': P.JSONStringify(json.json, null, 2) }, () => ''), undefined);
    },
    table(rows: unknown, properties?: unknown) {
      const columns = P.ArrayIsArray(properties) ? P.ArrayPrototypeMap(properties as unknown[], (p) => P.StringCtor(p)) : undefined;
      const grid = tabulate(rows, columns, htmlCell);
      const plain = renderTable(rows, columns);
      if (!grid || plain === undefined) throw new P.TypeErrorCtor('display.table: rows must be an array, an object, a Map or a Set');
      send(checkBundle({ 'text/html': htmlTable(grid.head, gridRows(grid)), 'text/plain': plain }, () => plain), undefined);
    },
  };
  for (const name of P.ObjectKeys(helpers)) {
    const helper = helpers[name];
    P.ObjectDefineProperty(display, name, { value: helper, writable: true, enumerable: true, configurable: true });
  }
  return display;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new P.TypeErrorCtor(`display.${what} expects a string, not ${value === null ? 'null' : typeof value}`);
  return value;
}

// ---------------------------------------------------------------- tables

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return P.StringPrototypeReplace(s, /[&<>"']/g, (c: string) => ESCAPES[c]);
}

/** A cell as a reader expects it in HTML: strings as they are, everything else as inspect writes it. */
function htmlCell(v: unknown): string {
  return typeof v === 'string' ? v : inspect(v, { depth: 0, breakLength: Infinity });
}

function htmlTable(head: string[], rows: string[][]): string {
  let out = '<table>\n<thead><tr>';
  for (const h of head) out += `<th>${escapeHtml(h)}</th>`;
  out += '</tr></thead>\n<tbody>\n';
  for (const row of rows) {
    out += '<tr>';
    for (const cell of row) out += `<td>${escapeHtml(cell)}</td>`;
    out += '</tr>\n';
  }
  return `${out}</tbody>\n</table>`;
}

// ---------------------------------------------------------------- PNG

/** The image as base64, its first bytes and its length, from bytes (Uint8Array, ArrayBuffer, number[]) or base64 (a `data:` URL too). */
function pngData(image: unknown): { base64: string; head: Uint8Array; length: number } {
  let head: Uint8Array;
  let base64: string;
  let length: number;
  if (typeof image === 'string') {
    base64 = P.StringPrototypeReplace(P.StringPrototypeReplace(image, DATA_URL, ''), /\s+/g, '');
    if (base64.length % 4 === 1 || P.RegExpPrototypeExec(BASE64, base64) === null) throw new P.TypeErrorCtor('display.png: the string is not base64');
    const padding = P.StringPrototypeEndsWith(base64, '==') ? 2 : P.StringPrototypeEndsWith(base64, '=') ? 1 : 0;
    const unpadded = base64.length - padding;
    length = P.MathFloor(unpadded * 3 / 4);
    head = fromBase64(P.StringPrototypeSlice(base64, 0, 32));
  } else {
    let bytes: Uint8Array;
    if (T.isArrayBuffer(image)) bytes = new P.Uint8ArrayCtor(image as ArrayBuffer);
    else if (P.ArrayBufferIsView(image)) {
      const view = image as ArrayBufferView;
      bytes = new P.Uint8ArrayCtor(view.buffer, view.byteOffset, view.byteLength);
    } else if (P.ArrayIsArray(image)) bytes = new P.Uint8ArrayCtor(image as number[]);
    else throw new P.TypeErrorCtor('display.png expects bytes (Uint8Array, ArrayBuffer) or a base64 string');
    if (bytes.length / 3 * 4 > MAX_BUNDLE_CHARS) throw new P.RangeErrorCtor(`display.png: the image is larger than ${MAX_BUNDLE_CHARS / 4 * 3} bytes`);
    base64 = toBase64(bytes);
    head = bytes;
    length = bytes.length;
  }
  return { base64, head, length };
}

/** Width and height from the IHDR chunk a PNG starts with (the bytes are sent as given: no signature, no size). */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return undefined;
  const u32 = (at: number) => ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
  return { width: u32(16), height: u32(20) };
}

function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

function fromBase64(s: string): Uint8Array {
  const padding = P.StringPrototypeEndsWith(s, '==') ? 2 : P.StringPrototypeEndsWith(s, '=') ? 1 : 0;
  const out = new P.Uint8ArrayCtor(P.MathFloor((s.length - padding) * 3 / 4));
  let w = 0;
  for (let i = 0; i < s.length; i += 4) {
    const n = (P.StringPrototypeIndexOf(B64, s[i]) << 18) | (P.StringPrototypeIndexOf(B64, s[i + 1]) << 12)
      | ((P.StringPrototypeIndexOf(B64, s[i + 2]) & 63) << 6) | (P.StringPrototypeIndexOf(B64, s[i + 3]) & 63);
    if (w < out.length) out[w++] = (n >> 16) & 0xff;
    if (w < out.length) out[w++] = (n >> 8) & 0xff;
    if (w < out.length) out[w++] = n & 0xff;
  }
  return out;
}
