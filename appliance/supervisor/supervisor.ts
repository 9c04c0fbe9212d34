/**
 * Runs the appliance's services as child processes with one readable log stream: each line is
 * prefixed with the service name; a crashed child restarts with backoff; stop() ends them all
 * (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { nextFailureCount, restartDelayMs } from './restart-policy.ts';

export interface ServiceSpec {
  readonly name: string;
  /** A TypeScript entry point, run with the tsx loader. */
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  /** Scheduling niceness (0 = the supervisor's); positive yields the CPU to the others. */
  readonly nice?: number;
}

interface Running {
  child: ChildProcess | undefined;
  startedAt: number;
  failures: number;
  timer: NodeJS.Timeout | undefined;
}

export class Supervisor {
  private readonly running = new Map<string, Running>();
  private stopping = false;

  constructor(
    private readonly services: readonly ServiceSpec[],
    private readonly cwd: string,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    for (const s of this.services) {
      this.running.set(s.name, { child: undefined, startedAt: 0, failures: 0, timer: undefined });
      this.launch(s);
    }
  }

  private launch(spec: ServiceSpec): void {
    const state = this.running.get(spec.name)!;
    const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
      cwd: this.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    state.child = child;
    state.startedAt = Date.now();
    if (spec.nice && child.pid !== undefined) {
      try {
        setPriority(child.pid, spec.nice);
      } catch (e) {
        this.log(`[supervisor] ${spec.name}: cannot set niceness ${spec.nice}: ${String(e)}`);
      }
    }
    const prefix = `[${spec.name}]`.padEnd(12);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream)
        createInterface({ input: stream }).on('line', (line) => this.log(`${prefix} ${line}`));
    }
    child.on('exit', (code, signal) => {
      state.child = undefined;
      if (this.stopping) return;
      state.failures = nextFailureCount(state.failures, Date.now() - state.startedAt);
      const delay = restartDelayMs(state.failures);
      this.log(
        `[supervisor] ${spec.name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`,
      );
      state.timer = setTimeout(() => this.launch(spec), delay);
    });
  }

  /** The pid of a running service (for tests and diagnostics). */
  pid(name: string): number | undefined {
    return this.running.get(name)?.child?.pid;
  }

  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const exits: Promise<void>[] = [];
    for (const state of this.running.values()) {
      if (state.timer) clearTimeout(state.timer);
      const child = state.child;
      if (!child) continue;
      exits.push(
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
      );
    }
    await Promise.all(exits);
  }
}
