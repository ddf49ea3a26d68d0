/**
 * What Run Selection sends as REPL input. The daemon's REPL takes JavaScript
 * (`executions/repl` has no language field), so a selection of a TypeScript
 * file has its types stripped here, by esbuild: a dependency already,
 * external in the bundle, its service process started on first use. `{ a: 1 }`
 * alone stays an object literal, as the REPL reads it. A selection esbuild
 * cannot read goes as written: the daemon then reports the SyntaxError like
 * any other.
 */
const LOADERS: Record<string, 'ts' | 'tsx' | undefined> = { typescript: 'ts', typescriptreact: 'tsx' };

let esbuild: typeof import('esbuild') | undefined;

export async function selectionInput(text: string, languageId: string): Promise<string> {
  const loader = LOADERS[languageId];
  if (!loader) return text;
  esbuild ??= require('esbuild') as typeof import('esbuild');
  const attempts = /^\s*\{[\s\S]*\}\s*$/.test(text) ? [`(${text})`, text] : [text];
  for (const code of attempts) {
    try {
      return (await esbuild.transform(code, { loader, target: 'es2022' })).code;
    } catch {
      // next reading, or as written
    }
  }
  return text;
}
