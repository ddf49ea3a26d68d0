/**
 * Statements session SQL may not run, whatever else it does: each would let
 * a session step outside its database's bounds (docs/security.md).
 *
 * - ATTACH / DETACH: another database file in sql.js's in-memory file system,
 *   outside the size cap.
 * - VACUUM INTO: a copy of the database written to that file system.
 * - PRAGMA settings the module owns: the size cap (max_page_count), where
 *   temporary tables live (temp_store: in SQLite's capped heap, not in files),
 *   the heap cap itself. (`query_only` may be turned off: a read-only
 *   database is never written back.)
 *
 * Checked on each statement's own text as SQLite split it, after its leading
 * comments, so a script cannot hide one behind another.
 */
import { codedError } from './errors';

const OWNED_PRAGMAS = new Set(['max_page_count', 'temp_store', 'temp_store_directory', 'hard_heap_limit', 'soft_heap_limit', 'writable_schema', 'data_store_directory']);

function withoutLeadingComments(sql: string): string {
  let s = sql;
  for (;;) {
    const trimmed = s.replace(/^\s+/, '');
    if (trimmed.startsWith('--')) {
      const end = trimmed.indexOf('\n');
      s = end < 0 ? '' : trimmed.slice(end + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      s = end < 0 ? '' : trimmed.slice(end + 2);
    } else {
      return trimmed;
    }
  }
}

const IDENT = String.raw`(?:"(?:[^"]|"")*"|\x60(?:[^\x60]|\x60\x60)*\x60|\[[^\]]*\]|[A-Za-z_][\w$]*)`;
const PRAGMA_SET = new RegExp(String.raw`^PRAGMA\s+(?:${IDENT}\s*\.\s*)?(${IDENT})\s*(=|\()`, 'i');

const unquote = (name: string): string => name.replace(/^["`[]|["`\]]$/g, '').toLowerCase();

/** Throws SQLITE_AUTH-like errors for the statements above; `sql` is one statement. */
export function checkStatement(sql: string): void {
  const s = withoutLeadingComments(sql);
  const keyword = /^[A-Za-z]+/.exec(s)?.[0].toUpperCase();
  if (keyword === 'ATTACH' || keyword === 'DETACH') {
    throw codedError('SQLITE_AUTH', `${keyword} is not allowed: a session has one database (its own)`);
  }
  if (keyword === 'VACUUM' && /\bINTO\b/i.test(s)) throw codedError('SQLITE_AUTH', 'VACUUM INTO is not allowed: a session has one database (its own)');
  if (keyword === 'PRAGMA') {
    const m = PRAGMA_SET.exec(s);
    if (m && OWNED_PRAGMAS.has(unquote(m[1]))) throw codedError('SQLITE_AUTH', `PRAGMA ${unquote(m[1])} is set by the database module and cannot be changed`);
  }
}
