/** REPL panel CSS: VS Code theme variables only, so every theme (light, dark, high contrast) fits. */
export const STYLE = `
:root { color-scheme: light dark; }
html, body { height: 100%; margin: 0; padding: 0; }
body {
  display: flex; flex-direction: column;
  background: var(--vscode-editor-background);
  color: var(--vscode-editor-foreground, var(--vscode-foreground));
  font-family: var(--vscode-editor-font-family, monospace);
  font-size: var(--vscode-editor-font-size, 13px);
}
#toolbar {
  display: flex; align-items: center; gap: 8px; padding: 4px 8px;
  border-bottom: 1px solid var(--vscode-panel-border, transparent);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size);
}
#state { color: var(--vscode-descriptionForeground); flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#busy { display: none; width: 10px; height: 10px; border-radius: 50%; border: 2px solid var(--vscode-progressBar-background);
  border-right-color: transparent; animation: spin 0.8s linear infinite; }
body.busy #busy { display: inline-block; }
@keyframes spin { to { transform: rotate(360deg); } }
button {
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size);
  color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground);
  border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 2px 10px; cursor: pointer;
}
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
#stop { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
#stop:hover { background: var(--vscode-button-hoverBackground); }
#stop:disabled { color: var(--vscode-disabledForeground); background: var(--vscode-button-secondaryBackground); opacity: 0.6; cursor: default; }
#log { flex: 1; overflow-y: auto; padding: 4px 8px; }
.entry { padding: 3px 0; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); }
.line { white-space: pre-wrap; word-break: break-word; }
.head { color: var(--vscode-descriptionForeground); }
.input { color: var(--vscode-debugTokenExpression-name, var(--vscode-foreground)); }
.log { }
.info { color: var(--vscode-editorInfo-foreground); }
.debug { color: var(--vscode-descriptionForeground); }
.warn { color: var(--vscode-editorWarning-foreground); }
.error { color: var(--vscode-errorForeground); }
.system { color: var(--vscode-descriptionForeground); }
.foot { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.foot.error { color: var(--vscode-errorForeground); }
.value { display: flex; align-items: flex-start; white-space: pre-wrap; }
.value::before { content: '⇒'; flex: none; margin-right: 0.6em; color: var(--vscode-descriptionForeground); }
.tree { flex: 1; min-width: 0; }
.tree details > .kids { padding-left: 1.4em; }
.tree summary { cursor: pointer; list-style-position: outside; }
.tree summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.key { color: var(--vscode-debugTokenExpression-name, var(--vscode-symbolIcon-propertyForeground)); }
.k-string { color: var(--vscode-debugTokenExpression-string); }
.k-number { color: var(--vscode-debugTokenExpression-number); }
.k-boolean { color: var(--vscode-debugTokenExpression-boolean); }
.k-null, .k-other { color: var(--vscode-debugTokenExpression-value, var(--vscode-descriptionForeground)); }
.display { margin: 2px 0; font-family: var(--vscode-font-family); overflow-x: auto; }
.display pre { margin: 0; font-family: var(--vscode-editor-font-family, monospace); white-space: pre-wrap; }
.display img { max-width: 100%; image-rendering: auto; }
.display table { border-collapse: collapse; margin: 2px 0; }
.display th, .display td { border: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); padding: 2px 8px; text-align: left; }
.display th { background: var(--vscode-editorWidget-background); }
.display a { color: var(--vscode-textLink-foreground); }
.display code { font-family: var(--vscode-editor-font-family, monospace); background: var(--vscode-textCodeBlock-background); }
.exception .title { color: var(--vscode-errorForeground); font-weight: bold; }
.frame { padding-left: 1.4em; color: var(--vscode-descriptionForeground); white-space: pre; }
.frame a { color: var(--vscode-textLink-foreground); text-decoration: none; cursor: pointer; }
.frame a:hover { text-decoration: underline; }
#inputRow { display: flex; align-items: flex-start; gap: 6px; padding: 6px 8px;
  border-top: 1px solid var(--vscode-panel-border, var(--vscode-editorWidget-border, transparent)); position: relative; }
#inputRow .chevron { color: var(--vscode-descriptionForeground); padding-top: 3px; }
#input {
  flex: 1; resize: none; box-sizing: border-box; min-height: 1.6em; max-height: 40vh; overflow-y: auto;
  font-family: inherit; font-size: inherit; line-height: 1.4;
  color: var(--vscode-input-foreground); background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, transparent); padding: 2px 4px; outline: none;
}
#input:focus { border-color: var(--vscode-focusBorder); }
#input::placeholder { color: var(--vscode-input-placeholderForeground); }
#preview { padding: 0 8px 4px 26px; min-height: 1.2em; color: var(--vscode-descriptionForeground); opacity: 0.8;
  font-family: var(--vscode-editor-font-family); white-space: pre; overflow: hidden; text-overflow: ellipsis; }
#completions {
  display: none; position: absolute; bottom: 100%; left: 24px; max-height: 200px; min-width: 200px; overflow-y: auto;
  background: var(--vscode-editorSuggestWidget-background); color: var(--vscode-editorSuggestWidget-foreground);
  border: 1px solid var(--vscode-editorSuggestWidget-border); z-index: 10;
}
#completions.open { display: block; }
#completions div { padding: 1px 8px; cursor: pointer; white-space: nowrap; }
#completions div .kind { color: var(--vscode-descriptionForeground); margin-left: 1em; font-size: 0.9em; }
#completions div.selected { background: var(--vscode-editorSuggestWidget-selectedBackground); color: var(--vscode-editorSuggestWidget-selectedForeground, inherit); }
`;
