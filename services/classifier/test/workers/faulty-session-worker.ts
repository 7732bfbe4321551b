// An inference worker that fails as real ones can, on a marked batch: a first value of 666 makes the
// thread die (as on an uncaught error, or its heap running out); 777 makes the run throw, as
// onnxruntime does on a CUDA error. Every batch also goes to the real session-worker (whose late
// answer to a failed batch the pool ignores). It takes 300 ms longer to start, as a larger model
// would, so a test sees the classifier while no worker is alive.
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort } from 'node:worker_threads'
import type { PoolReply, PoolRequest } from '@inference-stack/kit'
import type { RunTask } from '../../src/lib/session-protocol.js'

export const DIE = 666
export const THROW = 777
export const CUDA_ERROR = 'inference failed: CUDA failure 700: an illegal memory access was encountered'

parentPort?.on('message', (msg: PoolRequest<RunTask>) => {
  if (msg.type !== 'task') return
  if (msg.task.data[0] === DIE) process.exit(70)
  if (msg.task.data[0] === THROW) parentPort?.postMessage({ type: 'failed', id: msg.id, message: CUDA_ERROR } satisfies PoolReply)
})
if (parentPort !== null) {
  await sleep(300)
  await import('../../src/lib/session-worker.js')
}
