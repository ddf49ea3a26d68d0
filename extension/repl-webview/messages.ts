/** Messages between the REPL panel (extension host) and its webview. Types only. */
import type { CompletionItem } from '../../server/protocol';
import type { LineLevel, StackLine } from '../format';
import type { RichView } from './rich';
import type { TreeNode } from '../value-tree';

export type ToWebview =
  | { type: 'init'; history: string[]; folder: string }
  | { type: 'begin'; id: number; title: string; origin: 'command' | 'repl' | 'watch' }
  | { type: 'line'; id: number; level: LineLevel; text: string }
  | { type: 'value'; id: number; tree: TreeNode }
  | { type: 'exception'; id: number; title: string; stack: StackLine[] }
  | { type: 'end'; id: number; level: LineLevel; text: string }
  /** A `display` bundle; `slot` names it for a later `displayHtml` (Markdown rendered by VS Code). */
  | { type: 'display'; id: number; slot: number; view: RichView }
  | { type: 'displayHtml'; slot: number; html: string }
  | { type: 'state'; busy: boolean; text: string }
  | { type: 'completions'; requestId: number; start: number; end: number; items: CompletionItem[] }
  /** The eager preview of what is typed (`sessions/preview`); '' for none. */
  | { type: 'preview'; requestId: number; text: string }
  | { type: 'clear' };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'run'; code: string }
  | { type: 'stop' }
  | { type: 'clear' }
  | { type: 'complete'; requestId: number; code: string; cursor: number }
  | { type: 'preview'; requestId: number; code: string }
  | { type: 'open'; path: string; line: number; column: number };
