import { WorkerPool, type WorkerPoolEvents } from '@inference-stack/kit'
import type { ExecutionProvider, RunResult, RunTask, SessionInfo, WorkerData } from './session-protocol.js'

export type { ExecutionProvider, RunResult, SessionInfo } from './session-protocol.js'

export interface SessionOptions {
  /** Path of the .onnx file. */
  modelPath: string
  /** Chosen beforehand (lib/provider.ts); a provider that cannot start rejects the open. */
  executionProvider: ExecutionProvider
  /** onnxruntime intra-op threads per session. */
  intraOpThreads: number
}

/** onnxruntime sessions, one per worker thread, supervised by the kit's WorkerPool. */
export type SessionPool = WorkerPool<RunTask, RunResult>

export interface SessionPoolOptions extends SessionOptions {
  workers: number
  /** Batches that may wait for a free worker (the batcher only hands one to a free worker: 0). */
  maxQueue?: number
  /** Runs on each new worker before it takes batches: the warm-up of every batch size. */
  warmUp?: (run: (data: Float32Array, dims: number[]) => Promise<RunResult>, info: SessionInfo) => Promise<void>
  events?: WorkerPoolEvents
  /** Another worker script (tests); session-worker by default. */
  script?: URL
}

/** The task of a batch, its buffer transferred (not copied) when it is the whole of it: do not reuse it. */
function task (data: Float32Array, dims: number[]): [RunTask, ArrayBuffer[]] {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
  return [{ data, dims }, whole ? [data.buffer as ArrayBuffer] : []]
}

/** Runs one batch on the pool's next free worker. */
export async function runBatch (pool: SessionPool, data: Float32Array, dims: number[]): Promise<RunResult> {
  const [run, transfer] = task(data, dims)
  return await pool.run(run, { transfer })
}

/**
 * Opens `workers` sessions in worker threads; resolves once each has loaded the model, rejects
 * (ending them) when one cannot. Warm-ups go on in the background (`pool.warmedUp`). A worker
 * that dies fails its batch and is replaced, warmed up before it takes another.
 */
export async function openSessionPool (opts: SessionPoolOptions): Promise<SessionPool> {
  const data: WorkerData = { modelPath: opts.modelPath, executionProvider: opts.executionProvider, intraOpThreads: opts.intraOpThreads }
  const { warmUp } = opts
  return await WorkerPool.create<RunTask, RunResult>({
    name: 'onnxruntime-session',
    script: opts.script ?? new URL('./session-worker.js', import.meta.url),
    workerData: data,
    size: opts.workers,
    maxQueue: opts.maxQueue ?? 0,
    events: opts.events,
    prepare: warmUp === undefined ? undefined : async (run, info) => await warmUp(async (d, dims) => await run(...task(d, dims)), info as SessionInfo)
  })
}

/** What the pool's workers said when their session opened. */
export const sessionInfo = (pool: SessionPool): SessionInfo => pool.info as SessionInfo

/**
 * One onnxruntime InferenceSession in its own worker thread, for the tools (benchmarks, the
 * provider check): `run()` never blocks the caller's event loop. Input buffers are transferred,
 * not copied, so the caller must not reuse a batch buffer after passing it to `run()`.
 */
export class ModelSession {
  readonly #pool: SessionPool
  private constructor (pool: SessionPool) { this.#pool = pool }

  /** Starts a worker and opens the model in it; rejects when the model or provider cannot load. */
  static async create (opts: SessionOptions): Promise<ModelSession> {
    return new ModelSession(await openSessionPool({ ...opts, workers: 1, maxQueue: Number.MAX_SAFE_INTEGER }))
  }

  get provider (): ExecutionProvider { return sessionInfo(this.#pool).provider }
  get inputName (): string { return sessionInfo(this.#pool).inputName }
  get outputName (): string { return sessionInfo(this.#pool).outputName }
  get loadMs (): number { return sessionInfo(this.#pool).loadMs }

  /** Runs one batch: `data` holds `dims` (e.g. [n, 3, 224, 224]) float32 values; its buffer is transferred. */
  async run (data: Float32Array, dims: number[]): Promise<RunResult> {
    return await runBatch(this.#pool, data, dims)
  }

  /** Lets running batches finish, releases the session and ends the worker. */
  async close (): Promise<void> { await this.#pool.close() }
}
