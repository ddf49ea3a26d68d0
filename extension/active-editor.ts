/**
 * The editor a palette command acts on. While the user switches editors the
 * extension host briefly has no active editor (the workbench tells it about
 * the new one a moment later), so a command run in that gap waits for the
 * switch to land instead of answering "open a file".
 */
import * as vscode from 'vscode';

/** How long a switch may take to reach the extension host before we decide no editor is open. */
const SWITCH_GRACE_MS = 1000;

export async function activeEditor(): Promise<vscode.TextEditor | undefined> {
  const now = vscode.window.activeTextEditor;
  if (now || vscode.window.visibleTextEditors.length === 0 && !hasTextTab()) return now;
  return new Promise((resolve) => {
    const done = (editor: vscode.TextEditor | undefined): void => {
      clearTimeout(timer);
      listener.dispose();
      resolve(editor);
    };
    const listener = vscode.window.onDidChangeActiveTextEditor((editor) => { if (editor) done(editor); });
    const timer = setTimeout(() => done(vscode.window.activeTextEditor), SWITCH_GRACE_MS);
  });
}

/** Whether the focused tab shows a text file: then an editor for it is on its way. */
function hasTextTab(): boolean {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputText;
}
