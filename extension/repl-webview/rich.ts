/**
 * Which representation of a `display` bundle the REPL panel shows: the
 * richest one it can render safely. HTML (and Markdown, once rendered to HTML
 * by VS Code's Markdown extension) is sanitised in the webview; images only
 * travel as data URLs (an SVG as an image cannot run its scripts). Pure: no
 * `vscode` import.
 */
export type RichView =
  | { kind: 'html'; html: string }
  | { kind: 'markdown'; markdown: string; text: string }
  | { kind: 'image'; src: string; alt: string }
  | { kind: 'text'; text: string };

const IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export function richView(data: Record<string, string>): RichView {
  const text = data['text/plain'] ?? '';
  if (data['text/html'] !== undefined) return { kind: 'html', html: data['text/html'] };
  if (data['image/svg+xml'] !== undefined) {
    return { kind: 'image', src: `data:image/svg+xml;base64,${Buffer.from(data['image/svg+xml'], 'utf8').toString('base64')}`, alt: text };
  }
  const image = IMAGES.find((m) => data[m] !== undefined && /^[A-Za-z0-9+/=\s]*$/.test(data[m]));
  if (image) return { kind: 'image', src: `data:${image};base64,${data[image].replace(/\s+/g, '')}`, alt: text };
  if (data['text/markdown'] !== undefined) return { kind: 'markdown', markdown: data['text/markdown'], text };
  if (data['application/json'] !== undefined && data['text/plain'] === undefined) {
    return { kind: 'text', text: prettyJson(data['application/json']) };
  }
  return { kind: 'text', text };
}

function prettyJson(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
