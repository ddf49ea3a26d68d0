/** Tab completion from the live session (`sessions/complete`). */
import { SessionsComplete } from '../../server/protocol';
import type { DaemonClient } from '../connect';

/**
 * readline hands the line up to the cursor; `pending` is the unfinished
 * statement typed on earlier lines. Answers the names that start with the
 * identifier being typed.
 */
export function sessionCompleter(client: DaemonClient, sessionId: string, pending: () => string): (line: string, callback: (err: null | Error, result: [string[], string]) => void) => void {
  return (line, callback) => {
    const code = pending() ? `${pending()}\n${line}` : line;
    const fragment = /[\p{ID_Continue}$]*$/u.exec(line)?.[0] ?? '';
    client.call(SessionsComplete, { sessionId, code, cursor: code.length }).then(
      ({ items }) => {
        const hits = [...new Set(items.map((i) => i.label).filter((l) => l.startsWith(fragment)))].sort();
        callback(null, [hits, fragment]);
      },
      () => callback(null, [[], fragment]),
    );
  };
}
