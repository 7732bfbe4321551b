// Step 3 of `npm start`: the services as supervised children, and stopping them all, whatever
// asks for it: Ctrl+C, SIGTERM, SIGHUP (a closed terminal), or npm itself going away.
import { spawnChild, STOP_GRACE_MS, type Child } from '@inference-stack/kit/child'
import type { Output } from './output.js'
import { commandOf, portProblem, type ServiceSpec } from './services.js'

/** How often the launcher checks that the process that started it is still there. */
const PARENT_CHECK_MS = 500

export interface StartOptions {
  dev: boolean
  env: NodeJS.ProcessEnv
  /** The service ended on its own (not during a stop): `how` is `exit 1`, `SIGKILL`... */
  onExit: (how: string) => void
}

export interface Service {
  child: Child
  /** The URL it listens on, once it says so; undefined when it exits (or cannot bind) first. */
  listening: Promise<string | undefined>
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

  /**
   * Starts a service in its own process group with an IPC channel (kit/child `supervise`).
   * `listening` settles with the URL it reports once bound, or undefined if it exits first.
   */
  start (spec: ServiceSpec, opts: StartOptions): Service {
    const { args, cwd } = commandOf(spec, opts.dev)
    let reportListening: (url: string | undefined) => void = () => {}
    const listening = new Promise<string | undefined>((resolve) => { reportListening = resolve })
    const child = spawnChild(spec.name, process.execPath, args, {
      cwd,
      env: opts.env,
      // `tsx watch` (--dev) keeps an IPC channel to its own child and passes no message on: there the
      // service runs unsupervised (it prints its own problems) and its log line says where it listens.
      supervise: !opts.dev,
      group: true,
      onLine: (line) => {
        this.#out.line(spec.name, this.#out.format(line), spec.hue)
        if (opts.dev) {
          const url = /"msg":"Server listening at (http:\/\/[^"]+)"/.exec(line)?.[1]
          if (url !== undefined) reportListening(url)
        }
      },
      onMessage: (message) => {
        if (message.type === 'listening') reportListening(message.url)
        else {
          this.#out.warn(portProblem(spec, message))
          reportListening(undefined)
          this.stop(1)
        }
      }
    })
    this.#children.set(spec.name, child)
    child.closed.then(({ code, signal }) => {
      this.#children.delete(spec.name)
      reportListening(undefined)
      if (!this.#stopping) opts.onExit(signal ?? `exit ${code}`)
    })
    return { child, listening }
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
