/**
 * Exceptions as diagnostics at their location (worktree-relative, 1-based,
 * source-mapped for TypeScript by the daemon). Each run replaces what the
 * previous run of the same file (or selection) reported, so a good run
 * clears it.
 */
import * as vscode from 'vscode';
import type { Run, RunSink } from './execution-hub';
import { parseStack, toPosition, worktreeFrames } from './format';

export class DiagnosticsSink implements RunSink, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('vmSystem');
  /** Run key → files it put diagnostics on. */
  private readonly owned = new Map<string, vscode.Uri[]>();

  end(run: Run): void {
    const { meta } = run;
    if (!meta.path || run.error !== undefined && !run.execution) return;
    const folder = vscode.Uri.parse(meta.folder);
    const key = `${meta.folder}|${meta.kind}|${meta.path}`;
    for (const uri of this.owned.get(key) ?? []) this.collection.delete(uri);
    this.owned.delete(key);
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const e of run.events) {
      if (e.type !== 'exception') continue;
      const loc = e.payload.location;
      const rel = loc?.path ?? meta.path;
      const pos = loc ? toPosition(loc) : { line: meta.fallbackLine ?? 0, character: 0 };
      const uri = vscode.Uri.joinPath(folder, rel);
      const d = new vscode.Diagnostic(lineRange(uri, pos.line, pos.character), `${e.payload.name}: ${e.payload.message}`, vscode.DiagnosticSeverity.Error);
      d.source = 'vm-system';
      d.relatedInformation = worktreeFrames(parseStack(e.payload.stack), folder.fsPath)
        .filter((l) => l.frame)
        .slice(0, 10)
        .map((l) => new vscode.DiagnosticRelatedInformation(
          new vscode.Location(vscode.Uri.joinPath(folder, l.frame!.path), new vscode.Position(l.frame!.line - 1, Math.max(0, l.frame!.column - 1))),
          l.text.trim()));
      const entry = byFile.get(uri.toString()) ?? { uri, list: [] };
      entry.list.push(d);
      byFile.set(uri.toString(), entry);
    }
    for (const { uri, list } of byFile.values()) this.collection.set(uri, [...(this.collection.get(uri) ?? []), ...list]);
    if (byFile.size) this.owned.set(key, [...byFile.values()].map((v) => v.uri));
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** From the column to the end of the line when the document is open, else one character. */
function lineRange(uri: vscode.Uri, line: number, character: number): vscode.Range {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc && line < doc.lineCount) {
    const text = doc.lineAt(line);
    const start = Math.min(character, text.range.end.character);
    const end = text.range.end.character > start ? text.range.end.character : start + 1;
    return new vscode.Range(line, start, line, end);
  }
  return new vscode.Range(line, character, line, character + 1);
}
