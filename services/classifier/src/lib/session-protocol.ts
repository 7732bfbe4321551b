// What ModelSession and the session pool (main thread) and session-worker exchange, over the
// kit's WorkerPool protocol (PoolRequest / PoolReply).

export type ExecutionProvider = 'cuda' | 'cpu'

export interface WorkerData {
  modelPath: string
  executionProvider: ExecutionProvider
  intraOpThreads: number
}

/** What a worker says once its session is open (`ready.info`). */
export interface SessionInfo { provider: ExecutionProvider, inputName: string, outputName: string, loadMs: number }

/** One batch: `dims` (e.g. [n, 3, 224, 224]) float32 values. */
export interface RunTask { data: Float32Array, dims: number[] }

export interface RunResult {
  /** The first output, row-major. */
  data: Float32Array
  dims: number[]
  /** Time inside `session.run()` in the worker, ms. */
  ms: number
}
