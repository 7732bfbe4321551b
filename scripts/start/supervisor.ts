// Step 3 of `npm start`: the services as supervised children, and stopping them all, whatever
// asks for it: Ctrl+C, SIGTERM, SIGHUP (a closed terminal), or npm itself going away.
import { spawnChild, STOP_GRACE_MS, type Child, type ServiceMessage } from '@inference-stack/kit/child'
import type { Output } from './output.js'
import { commandOf, portProblem, type ServiceSpec } from './services.js'

/** How often the launcher checks that the process that started it is still there. */
const PARENT_CHECK_MS = 500

export interface StartOptions {
  dev: boolean
  env: NodeJS.ProcessEnv
  onMessage?: (message: ServiceMessage) => void
  /** The service ended on its own (not during a stop): `how` is `exit 1`, `SIGKILL`... */
  onExit: (how: string) => void
}

export class Supervisor {
  readonly #out: Output
  readonly #children = new Map<string, Child>()
  readonly #abort = new AbortController()
  #stopping = false

  constructor (out: Output, parentPid: number) {
    this.#out = out
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => this.#onSignal(signal))
    // npm runs this script through `sh -c`, and `kill -TERM <npm pid>` ends npm and sh but never
    // reaches this process: a new parent pid means whoever started it is gone, so stop as if told to.
    const watch = setInterval(() => {
      if (process.ppid !== parentPid) this.stop(0, 'the process that ran it has exited')
    }, PARENT_CHECK_MS)
    watch.unref()
  }

  /** Aborted when a stop begins (the model download listens to it). */
  get signal (): AbortSignal { return this.#abort.signal }
  get stopping (): boolean { return this.#stopping }

  #onSignal (signal: NodeJS.Signals): void {
    if (!this.#stopping) {
      this.stop(0, signal)
      return
    }
    // A second Ctrl+C: no more waiting.
    if (signal === 'SIGINT') {
      this.#out.say(`killing ${[...this.#children.keys()].join(', ') || 'nothing'}`)
      for (const child of this.#children.values()) child.stop(0).catch(() => {})
    }
  }

  /** Starts a service in its own process group with an IPC channel (kit/child `supervise`). */
  start (spec: ServiceSpec, opts: StartOptions): Child {
    const { args, cwd } = commandOf(spec, opts.dev)
    const child = spawnChild(spec.name, process.execPath, args, {
      cwd,
      env: opts.env,
      supervise: true,
      onLine: (line) => this.#out.line(spec.name, this.#out.format(line), spec.hue),
      onMessage: (message) => {
        if (message.type === 'listen-failed') {
          this.#out.warn(portProblem(spec, message))
          this.stop(1)
        }
        opts.onMessage?.(message)
      }
    })
    this.#children.set(spec.name, child)
    child.closed.then(({ code, signal }) => {
      this.#children.delete(spec.name)
      if (!this.#stopping) opts.onExit(signal ?? `exit ${code}`)
    })
    return child
  }

  /** SIGTERM to every service, SIGKILL to what still runs after the grace period, then exit. */
  async stop (code: number, reason?: string): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    this.#abort.abort()
    this.#out.say(`stopping${reason === undefined ? '' : ` (${reason})`}…`)
    const late = setTimeout(() => {
      this.#out.say(`still running after ${STOP_GRACE_MS / 1000} s; killing ${[...this.#children.keys()].join(', ')}`)
    }, STOP_GRACE_MS - 100)
    await Promise.all([...this.#children.values()].map(async (child) => await child.stop(STOP_GRACE_MS)))
    clearTimeout(late)
    this.#out.say('all services stopped')
    process.exit(code)
  }
}
