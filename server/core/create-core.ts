import { DEFAULT_RETENTION, type ModuleInfo, type Retention } from '../protocol';
import { ExecutionService } from './executions';
import { LibraryService } from './libraries';
import { LiveSessions } from './live-sessions';
import { OpsService } from './ops';
import { RetentionService } from './retention';
import type { ClockPort, FilesPort, GitPort, IdPort, LibrariesPort, ProcessPort, RuntimePort, StorePort, WatcherPort } from './ports';
import { SessionService } from './sessions';
import { TemplateService } from './templates';
import { WatchService } from './watch';

export interface CorePorts {
  store: StorePort;
  runtime: RuntimePort;
  files: FilesPort;
  git: GitPort;
  watcher: WatcherPort;
  libraries: LibrariesPort;
  clock: ClockPort;
  ids: IdPort;
  process: ProcessPort;
  /** Native modules a template may enable, as modules/listAvailable shows them. */
  modules: ModuleInfo[];
  /** The daemon's retention policy (DEFAULT_RETENTION when absent). */
  retention?: Retention;
  log?: (line: string) => void;
}

export type Core = ReturnType<typeof createCore>;

/** The one place the core is composed. */
export function createCore(ports: CorePorts) {
  const { store, runtime, files, libraries, clock, ids } = ports;
  const live = new LiveSessions(store);
  // The callback runs only after construction, when `sessions` exists.
  const executions = new ExecutionService(store, runtime, files, live, clock, ids, (id, reason) => sessions.crashed(id, reason));
  const libraryService = new LibraryService(store, libraries, clock);
  const sessions = new SessionService(store, runtime, files, ports.git, libraryService, live, executions, clock, ids);
  const templates = new TemplateService(store, files, libraries, clock, ids, libraryService);
  const retention = new RetentionService(store, clock, ports.retention ?? DEFAULT_RETENTION, ports.log);
  const ops = new OpsService(store, runtime, live, executions, clock, ports.process, retention);
  const watch = new WatchService(executions, live, files, ports.watcher, ids);
  sessions.onSessionEnded = (id) => watch.sessionEnded(id);
  runtime.onSessionLost((id, reason) => sessions.crashed(id, reason));

  return {
    templates,
    sessions,
    executions,
    ops,
    watch,
    liveSessionCount: () => live.ids().length,
    catalog: {
      modules: () => ({ modules: ports.modules }),
      libraries: () => ({ libraries: libraries.catalog() }),
      install: (names: string[] | undefined, progress?: (message: string, percentage: number) => void) => libraryService.install(names, progress),
      installed: () => libraryService.list(),
    },
    /** Daemon start: what a previous daemon left running is closed/interrupted; the default template exists. */
    async recover(): Promise<void> {
      store.recoverAfterRestart(clock.now().toISOString(), 'daemon restarted while the session was live');
      await templates.ensureDefault();
      await store.flush();
      retention.start();
    },
    async shutdown(): Promise<void> {
      retention.stop();
      await watch.stopAll();
      await sessions.closeAll('daemon shut down');
      await runtime.shutdown();
      await store.close();
    },
  };
}
