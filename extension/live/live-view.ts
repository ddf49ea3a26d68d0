/**
 * What live mode paints on an editor: inline values, console lines and the
 * exception after their lines (the styles of Run File's inline results), and
 * coverage in the gutter — a bar for lines that ran, for lines that did not,
 * and for the line that threw. Unlike Run File's results they stay while the
 * user types (VS Code moves decorations with the edits) until the next run
 * replaces them.
 */
import * as vscode from 'vscode';
import { STYLE } from '../decorations';
import type { Annotation, AnnotationKind } from '../format';
import type { LiveResult } from './annotations';

type Gutter = 'ran' | 'notRun' | 'threw';

const GUTTER: Record<Gutter, { color: string; ruler: string }> = {
  ran: { color: '#3fb950', ruler: 'rgba(63,185,80,0.5)' },
  notRun: { color: '#8b949e', ruler: 'rgba(139,148,158,0.5)' },
  threw: { color: '#f85149', ruler: 'rgba(248,81,73,0.8)' },
};

/** A thin bar as an SVG data URI: gutter icons need an image. */
function bar(color: string): vscode.Uri {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect x="5" y="0" width="4" height="16" fill="${color}"/></svg>`;
  return vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
}

export interface Painted { result: LiveResult; paintMs: number }

export class LiveView implements vscode.Disposable {
  private readonly inline = new Map<AnnotationKind, vscode.TextEditorDecorationType>();
  private readonly gutter = new Map<Gutter, vscode.TextEditorDecorationType>();
  private readonly byDoc = new Map<string, LiveResult>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    for (const kind of Object.keys(STYLE) as AnnotationKind[]) {
      this.inline.set(kind, vscode.window.createTextEditorDecorationType({
        after: { margin: '0 0 0 2em', ...STYLE[kind] },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }));
    }
    for (const kind of Object.keys(GUTTER) as Gutter[]) {
      this.gutter.set(kind, vscode.window.createTextEditorDecorationType({
        gutterIconPath: bar(GUTTER[kind].color),
        gutterIconSize: 'contain',
        overviewRulerColor: GUTTER[kind].ruler,
        overviewRulerLane: vscode.OverviewRulerLane.Left,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }));
    }
    this.disposables.push(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.paint(e))));
  }

  show(uri: vscode.Uri, result: LiveResult): void {
    this.byDoc.set(uri.toString(), result);
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri.toString()) this.paint(editor);
  }

  clear(uri?: vscode.Uri): void {
    if (uri) this.byDoc.delete(uri.toString());
    else this.byDoc.clear();
    for (const editor of vscode.window.visibleTextEditors) this.paint(editor);
  }

  /** What is shown for a document (the integration tests read it). */
  resultOf(uri: vscode.Uri): LiveResult | undefined {
    return this.byDoc.get(uri.toString());
  }

  dispose(): void {
    for (const t of [...this.inline.values(), ...this.gutter.values()]) t.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private paint(editor: vscode.TextEditor): void {
    const doc = editor.document;
    const result = this.byDoc.get(doc.uri.toString());
    const lines = doc.lineCount;
    const annotations = (result?.annotations ?? []).filter((a) => a.line < lines);
    for (const [kind, type] of this.inline) {
      editor.setDecorations(type, annotations.filter((a) => a.kind === kind).map((a) => after(doc, a)));
    }
    const threw = result?.threw;
    const gutterLines: Record<Gutter, number[]> = {
      ran: (result?.ran ?? []).filter((l) => l !== threw),
      notRun: result?.notRun ?? [],
      threw: threw === undefined ? [] : [threw],
    };
    for (const [kind, type] of this.gutter) {
      editor.setDecorations(type, gutterLines[kind].filter((l) => l < lines).map((l) => new vscode.Range(l, 0, l, 0)));
    }
  }
}

function after(doc: vscode.TextDocument, a: Annotation): vscode.DecorationOptions {
  const end = doc.lineAt(a.line).range.end;
  return {
    range: new vscode.Range(end, end),
    renderOptions: { after: { contentText: a.text } },
    hoverMessage: new vscode.MarkdownString().appendCodeblock(a.text, 'text'),
  };
}
