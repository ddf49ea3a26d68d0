/** Entry of dist/repl-webview.js (esbuild, platform browser): the REPL webview's script. */
import { webviewMain } from './script';

webviewMain();
