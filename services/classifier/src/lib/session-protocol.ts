// Messages between ModelSession (main thread) and session-worker.

export type ExecutionProvider = 'cuda' | 'cpu'

export interface WorkerData {
  modelPath: string
  executionProvider: ExecutionProvider
  intraOpThreads: number
}

export type WorkerRequest =
  | { type: 'run', id: number, data: Float32Array, dims: number[] }
  | { type: 'close' }

export type WorkerReply =
  | { type: 'ready', provider: ExecutionProvider, inputName: string, outputName: string, loadMs: number }
  | { type: 'failed', message: string }
  | { type: 'result', id: number, data: Float32Array, dims: number[], ms: number }
  | { type: 'error', id: number, message: string }
