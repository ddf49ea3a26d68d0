import type { CompletionItem, Session, SessionStatus, TemplateDetail, ValuePayload } from '../protocol';
import type { CallContext } from './context';
import { DomainError, invalidField, notFound } from './errors';
import type { ExecutionService } from './executions';
import type { LiveSessions } from './live-sessions';
import { RuntimeStartError, type ClockPort, type FilesPort, type GitPort, type IdPort, type RuntimePort, type StorePort } from './ports';
import type { LibraryService } from './libraries';
import { sortStartupFiles } from './templates';

export interface CreateSessionRequest { templateId: string; worktreePath: string; workspaceId?: string; baseCommitOid?: string }

/**
 * Session lifecycle: starting → ready → closed, or → crashed when startup or
 * the runtime fails. A crashed or closed session can be restarted under the
 * same id.
 */
export class SessionService {
  /** Runs when a session stops being live (watches end with it). */
  onSessionEnded: (sessionId: string) => void = () => {};

  constructor(
    private readonly store: StorePort,
    private readonly runtime: RuntimePort,
    private readonly files: FilesPort,
    private readonly git: GitPort,
    private readonly libraries: LibraryService,
    private readonly live: LiveSessions,
    private readonly executions: ExecutionService,
    private readonly clock: ClockPort,
    private readonly ids: IdPort,
  ) {}

  async create(request: CreateSessionRequest, ctx: CallContext): Promise<Session> {
    const template = this.store.getTemplate(request.templateId);
    if (!template) throw notFound('TEMPLATE_NOT_FOUND', request.templateId);
    if (!request.worktreePath.startsWith('/') || !this.files.isDirectory(request.worktreePath)) {
      throw invalidField('worktreePath', `must be the absolute path of an existing directory: ${request.worktreePath}`);
    }
    const worktreePath = request.worktreePath.replace(/(.)\/+$/, '$1');
    const session: Session = {
      id: this.ids.newId(),
      templateId: template.id,
      workspaceId: request.workspaceId ?? (worktreePath.split('/').pop() || worktreePath),
      baseCommitOid: request.baseCommitOid ?? this.git.head(worktreePath),
      worktreePath,
      status: 'starting',
      createdAt: this.clock.now().toISOString(),
    };
    this.store.putSession(session);
    return this.start(session, template, ctx);
  }

  list(status?: SessionStatus): { sessions: Session[] } {
    return { sessions: this.store.listSessions(status) };
  }

  get(sessionId: string): Session {
    const session = this.store.getSession(sessionId);
    if (!session) throw notFound('SESSION_NOT_FOUND', sessionId);
    return session;
  }

  async close(sessionId: string, reason?: string): Promise<Session> {
    const session = this.get(sessionId);
    if (!this.live.find(sessionId)) return session;
    await this.executions.stopSession(sessionId);
    this.live.remove(sessionId);
    this.onSessionEnded(sessionId);
    await this.runtime.closeSession(sessionId);
    const closed: Session = { ...this.get(sessionId), status: 'closed', closedAt: this.clock.now().toISOString() };
    if (reason) closed.lastError = reason;
    this.store.putSession(closed);
    await this.store.flush();
    return closed;
  }

  async restart(sessionId: string, replay: boolean, ctx: CallContext): Promise<Session> {
    const session = this.get(sessionId);
    const template = this.store.getTemplate(session.templateId);
    if (!template) throw notFound('TEMPLATE_NOT_FOUND', session.templateId);
    // What to bring back: successful user executions, oldest first, recorded before this restart;
    // earlier replays are left out, since their originals are replayed again.
    const history = replay
      ? this.store.listSessionHistory(sessionId).filter((e) => e.status === 'ok' && (e.kind === 'repl' || e.kind === 'run_file') && !e.replayOf)
      : [];
    if (this.live.find(sessionId)) {
      await this.executions.stopSession(sessionId);
      this.live.remove(sessionId);
      await this.runtime.closeSession(sessionId);
    }
    const restarting: Session = { ...session, status: 'starting' };
    delete restarting.closedAt;
    delete restarting.lastError;
    this.store.putSession(restarting);
    const ready = await this.start(restarting, template, ctx);
    for (const past of history) {
      await this.executions.runRaw({
        sessionId, kind: past.kind, input: past.input, path: past.path, args: past.args, env: past.env, replayOf: past.id,
      }, ctx).catch(() => undefined); // a file that is gone now is simply not replayed
    }
    return this.store.getSession(sessionId) ?? ready;
  }

  async complete(sessionId: string, code: string, cursor: number): Promise<{ items: CompletionItem[] }> {
    this.live.require(sessionId);
    if (cursor > code.length) throw invalidField('cursor', `must be at most the length of code (${code.length})`);
    return { items: await this.runtime.complete(sessionId, code, cursor) };
  }

  /** sessions/preview: never changes the session; a busy session answers no value rather than waiting. */
  async preview(sessionId: string, code: string): Promise<{ value?: ValuePayload }> {
    const live = this.live.require(sessionId);
    if (live.running || code.trim() === '') return {};
    const value = await this.runtime.preview(sessionId, code);
    return value ? { value } : {};
  }

  /** The runtime lost a session (host death, memory limit): it becomes crashed. */
  crashed(sessionId: string, reason: string): void {
    if (!this.live.remove(sessionId)) return;
    this.onSessionEnded(sessionId);
    const session = this.store.getSession(sessionId);
    if (session) this.store.putSession({ ...session, status: 'crashed', lastError: reason });
    void this.store.flush();
  }

  /** Closes every live session (daemon shutdown). */
  async closeAll(reason: string): Promise<void> {
    await Promise.all(this.live.ids().map((id) => this.close(id, reason).catch(() => undefined)));
  }

  private async start(session: Session, template: TemplateDetail, ctx: CallContext): Promise<Session> {
    try {
      const libraries = this.libraries.resolveFor(template.libraries);
      const startupFiles = sortStartupFiles(template.startupFiles).map((file) => {
        if (file.mode !== 'eval') throw new DomainError('STARTUP_MODE_UNSUPPORTED', `startup mode "${file.mode}" is not supported`, { path: file.path });
        const check = this.files.resolveFile(session.worktreePath, file.path);
        if (!check.ok) throw new DomainError(check.code, `startup file: ${check.message}`, { path: file.path });
        return check.relativePath;
      });
      await this.runtime.createSession({
        sessionId: session.id, worktreePath: session.worktreePath, settings: template.settings,
        modules: template.modules, capabilities: template.capabilities, libraries,
      });
      this.live.add({ id: session.id, worktreePath: session.worktreePath, settings: template.settings, waiters: [] });
      for (const path of startupFiles) {
        const { execution } = await this.executions.runRaw({ sessionId: session.id, kind: 'startup', path }, ctx);
        if (execution.status !== 'ok') {
          const why = execution.error ? `${execution.error.name}: ${execution.error.message}` : `ended ${execution.status}`;
          throw new DomainError('STARTUP_FAILED', `startup file ${path} failed: ${why}`);
        }
      }
    } catch (error) {
      await this.failStart(session, error);
    }
    const ready: Session = { ...session, status: 'ready' };
    this.store.putSession(ready);
    await this.store.flush();
    return ready;
  }

  private async failStart(session: Session, error: unknown): Promise<never> {
    const lastError = error instanceof Error ? error.message : String(error);
    if (this.live.remove(session.id)) await this.runtime.closeSession(session.id);
    this.store.putSession({ ...session, status: 'crashed', lastError });
    await this.store.flush();
    const details = { ...(error instanceof DomainError ? error.details : {}), sessionId: session.id, lastError };
    if (error instanceof DomainError && error.code !== 'STARTUP_FAILED') throw new DomainError(error.code, error.message, details);
    if (error instanceof RuntimeStartError && error.code === 'LIBRARY_NOT_CACHED') throw new DomainError('LIBRARY_NOT_CACHED', lastError, details);
    throw new DomainError('STARTUP_FAILED', `session startup failed: ${lastError}`, details);
  }
}
