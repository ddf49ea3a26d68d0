/**
 * Inline results (Quokka-style): the value after the line that produced it,
 * console lines after the line that logged them, the exception after its
 * line. Replaced by the next run of the same file; dropped when the document
 * is edited (the lines would no longer match).
 */
import * as vscode from 'vscode';
import type { Run, RunSink } from './execution-hub';
import { type Annotation, type AnnotationKind, inlineAnnotations } from './format';

export const STYLE: Record<AnnotationKind, vscode.ThemableDecorationAttachmentRenderOptions> = {
  value: { color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
  console: { color: new vscode.ThemeColor('editorCodeLens.foreground') },
  error: { color: new vscode.ThemeColor('editorError.foreground') },
};

export class DecorationsSink implements RunSink, vscode.Disposable {
  private readonly types = new Map<AnnotationKind, vscode.TextEditorDecorationType>();
  /** Document uri → its annotations. */
  private readonly byDoc = new Map<string, Annotation[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    for (const kind of Object.keys(STYLE) as AnnotationKind[]) {
      this.types.set(kind, vscode.window.createTextEditorDecorationType({
        after: { margin: '0 0 0 2em', ...STYLE[kind] },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }));
    }
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.paint(e))),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.byDoc.delete(e.document.uri.toString())) this.repaint(e.document.uri);
      }),
    );
  }

  end(run: Run): void {
    const { meta } = run;
    if (!meta.path || meta.valueLine === undefined && meta.origin !== 'watch') return;
    const folder = vscode.Uri.parse(meta.folder);
    const main = vscode.Uri.joinPath(folder, meta.path);
    const valueLine = meta.valueLine ?? 0;
    const annotations = inlineAnnotations(run.events, { path: meta.path, valueLine, fallbackLine: meta.fallbackLine });
    const touched = new Map<string, vscode.Uri>([[main.toString(), main]]);
    const fresh = new Map<string, Annotation[]>();
    for (const a of annotations) {
      const uri = vscode.Uri.joinPath(folder, a.path);
      touched.set(uri.toString(), uri);
      fresh.set(uri.toString(), [...(fresh.get(uri.toString()) ?? []), a]);
    }
    // A selection run adds to what the file shows; a file run replaces it.
    for (const [key, uri] of touched) {
      const previous = meta.kind === 'repl' ? (this.byDoc.get(key) ?? []).filter((p) => !fresh.get(key)?.some((a) => a.line === p.line)) : [];
      this.byDoc.set(key, [...previous, ...(fresh.get(key) ?? [])]);
      this.repaint(uri);
    }
  }

  /** Annotations currently shown for a document (for tests and hovers). */
  annotationsOf(uri: vscode.Uri): readonly Annotation[] {
    return this.byDoc.get(uri.toString()) ?? [];
  }

  dispose(): void {
    for (const t of this.types.values()) t.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private repaint(uri: vscode.Uri): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri.toString()) this.paint(editor);
  }

  private paint(editor: vscode.TextEditor): void {
    const list = this.byDoc.get(editor.document.uri.toString()) ?? [];
    for (const [kind, type] of this.types) {
      const options = list.filter((a) => a.kind === kind && a.line < editor.document.lineCount).map((a): vscode.DecorationOptions => {
        const end = editor.document.lineAt(a.line).range.end;
        return {
          range: new vscode.Range(end, end),
          renderOptions: { after: { contentText: a.text } },
          hoverMessage: new vscode.MarkdownString().appendCodeblock(a.text, 'text'),
        };
      });
      editor.setDecorations(type, options);
    }
  }
}
