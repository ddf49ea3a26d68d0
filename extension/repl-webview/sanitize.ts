/**
 * HTML from session code (`display.html`, tables, rendered Markdown) shown in
 * the REPL webview without scripts. The markup is parsed by DOMParser (an
 * inert document: nothing in it runs or loads) and rebuilt element by element
 * with createElement/setAttribute from an allow-list: no script, style,
 * iframe, form or event-handler attribute gets through, links only to http(s),
 * images only as base64 data URLs. The webview's CSP stays the second fence.
 * Runs in the webview (bundled into dist/repl-webview.js).
 */
export function sanitizeHtml(html: string, doc: Document): DocumentFragment {
  const KEEP = new Set(['a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'div', 'dl', 'dt',
    'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q',
    's', 'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul']);
  /** Dropped with everything inside; any other unknown element is unwrapped (its text stays). */
  const DROP = new Set(['script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'noscript', 'template', 'link',
    'meta', 'base', 'form', 'input', 'button', 'select', 'textarea', 'option', 'svg', 'math', 'audio', 'video', 'source', 'track', 'canvas', 'title', 'head']);
  const ATTRS = new Set(['title', 'alt', 'colspan', 'rowspan', 'align', 'valign', 'width', 'height', 'start', 'reversed', 'open', 'scope', 'abbr', 'lang', 'dir']);
  const SAFE_HREF = /^https?:\/\//i;
  const SAFE_SRC = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$/i;

  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const out = doc.createDocumentFragment();

  function copy(from: Node, to: Node): void {
    for (const child of Array.from(from.childNodes)) {
      if (child.nodeType === 3) {
        to.appendChild(doc.createTextNode(child.textContent ?? ''));
        continue;
      }
      if (child.nodeType !== 1) continue;
      const source = child as Element;
      const tag = source.tagName.toLowerCase();
      if (DROP.has(tag)) continue;
      if (!KEEP.has(tag)) {
        copy(source, to);
        continue;
      }
      const el = doc.createElement(tag);
      for (const attr of Array.from(source.attributes)) {
        const name = attr.name.toLowerCase();
        if (ATTRS.has(name)) el.setAttribute(name, attr.value);
        else if (name === 'href' && tag === 'a' && SAFE_HREF.test(attr.value.trim())) el.setAttribute('href', attr.value.trim());
        else if (name === 'src' && tag === 'img' && SAFE_SRC.test(attr.value.trim())) el.setAttribute('src', attr.value.trim());
      }
      copy(source, el);
      to.appendChild(el);
    }
  }
  copy(parsed.body, out);
  return out;
}
