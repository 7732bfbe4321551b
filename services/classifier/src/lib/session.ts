import { Worker } from 'node:worker_threads'
import { workerScript } from '@inference-stack/kit'
import type { ExecutionProvider, WorkerData, WorkerReply, WorkerRequest } from './session-protocol.js'

export type { ExecutionProvider } from './session-protocol.js'

export interface SessionOptions {
  /** Path of the .onnx file. */
  modelPath: string
  /** Chosen beforehand (lib/provider.ts); a provider that cannot start rejects `create()`. */
  executionProvider: ExecutionProvider
  /** onnxruntime intra-op threads for this session. */
  intraOpThreads: number
}

export interface RunResult {
  /** The first output, row-major. */
  data: Float32Array
  dims: number[]
  /** Time inside `session.run()` in the worker, ms. */
  ms: number
}

interface Pending { resolve: (r: RunResult) => void, reject: (e: Error) => void }

/**
 * One onnxruntime-node InferenceSession in its own worker thread: `run()` never
 * blocks the caller's event loop. Input buffers are transferred, not copied, so
 * the caller must not reuse a batch buffer after passing it to `run()`.
 */
export class ModelSession {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  readonly #inflight = new Set<Promise<RunResult>>()
  #nextId = 0
  #closed: Promise<void> | undefined
  #failure: Error | undefined

  private constructor (worker: Worker, readonly provider: ExecutionProvider, readonly inputName: string, readonly outputName: string,
    readonly loadMs: number) {
    this.#worker = worker
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type !== 'result' && msg.type !== 'error') return
      const pending = this.#pending.get(msg.id)
      this.#pending.delete(msg.id)
      if (msg.type === 'result') pending?.resolve({ data: msg.data, dims: msg.dims, ms: msg.ms })
      else pending?.reject(new Error(`inference failed: ${msg.message}`))
    })
    const fail = (err: Error): void => {
      this.#failure ??= err
      for (const p of this.#pending.values()) p.reject(err)
      this.#pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`inference worker exited (code ${code})`)))
  }

  /** Starts a worker and opens the model in it; rejects when the model or provider cannot load. */
  static async create (opts: SessionOptions): Promise<ModelSession> {
    const data: WorkerData = { modelPath: opts.modelPath, executionProvider: opts.executionProvider, intraOpThreads: opts.intraOpThreads }
    const worker = new Worker(workerScript(new URL('./session-worker.js', import.meta.url)), { workerData: data, name: 'onnxruntime-session' })
    let onMessage: (msg: WorkerReply) => void = () => {}
    let onError: (err: Error) => void = () => {}
    let onExit: (code: number) => void = () => {}
    const ready = await new Promise<Extract<WorkerReply, { type: 'ready' }>>((resolve, reject) => {
      onMessage = (msg) => {
        if (msg.type === 'ready') resolve(msg)
        else reject(new Error(`cannot open ${opts.modelPath} with ${opts.executionProvider}: ${msg.type === 'failed' ? msg.message : msg.type}`))
      }
      onError = reject
      onExit = (code) => reject(new Error(`inference worker exited during start (code ${code})`))
      worker.on('message', onMessage).on('error', onError).on('exit', onExit)
    }).catch(async (err: unknown) => {
      await worker.terminate()
      throw err
    }).finally(() => {
      // Only our listeners: removeAllListeners() would also drop the ones Worker uses to ref its port.
      worker.off('message', onMessage).off('error', onError).off('exit', onExit)
    })
    return new ModelSession(worker, ready.provider, ready.inputName, ready.outputName, ready.loadMs)
  }

  /** Runs one batch: `data` holds `dims` (e.g. [n, 3, 224, 224]) float32 values; its buffer is transferred. */
  async run (data: Float32Array, dims: number[]): Promise<RunResult> {
    if (this.#closed) throw new Error('session is closed')
    if (this.#failure) throw this.#failure
    const id = this.#nextId++
    const result = new Promise<RunResult>((resolve, reject) => this.#pending.set(id, { resolve, reject }))
    this.#inflight.add(result)
    const forget = (): void => { this.#inflight.delete(result) }
    result.then(forget, forget)
    const msg: WorkerRequest = { type: 'run', id, data, dims }
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
    this.#worker.postMessage(msg, whole ? [data.buffer as ArrayBuffer] : [])
    return await result
  }

  /** Lets running batches finish, releases the session and ends the worker. */
  async close (): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.allSettled(this.#inflight)
      if (this.#failure) return
      const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()))
      this.#worker.postMessage({ type: 'close' } satisfies WorkerRequest)
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())])
      await this.#worker.terminate()
    })()
    return await this.#closed
  }
}
