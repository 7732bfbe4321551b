// Runs in a worker thread: owns one onnxruntime InferenceSession so that the
// synchronous native run never blocks the main event loop.
import { parentPort, workerData } from 'node:worker_threads'
import type { PoolReply, PoolRequest } from '@inference-stack/kit'
import * as ort from 'onnxruntime-node'
import type { ExecutionProvider, RunResult, RunTask, SessionInfo, WorkerData } from './session-protocol.js'

const { modelPath, executionProvider, intraOpThreads } = workerData as WorkerData
const port = parentPort
if (port === null) throw new Error('session-worker must run in a worker thread')

async function open (provider: ExecutionProvider): Promise<ort.InferenceSession> {
  return await ort.InferenceSession.create(modelPath, {
    executionProviders: [provider],
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Idle onnxruntime threads spin by default, taking the cores that sharp needs to decode
    // the next batch: measured +15 % (MobileNet) and +9 % (ResNet-50) end to end on 2 vCPUs.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } }
  })
}

const send = (reply: PoolReply<RunResult>, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer)

try {
  const started = performance.now()
  // The provider was chosen before (lib/provider.ts): asking for CUDA here either works or fails loudly.
  const session = await open(executionProvider)
  const inputName = session.inputNames[0]
  const outputName = session.outputNames[0]
  if (inputName === undefined || outputName === undefined) throw new Error(`${modelPath} has no input or output`)
  port.on('message', (msg: PoolRequest<RunTask>) => {
    if (msg.type === 'close') {
      session.release().finally(() => port.close())
      return
    }
    const t0 = performance.now()
    const input = new ort.Tensor('float32', msg.task.data, msg.task.dims)
    // A run that throws (a CUDA error, say) fails its batch alone: the worker lives on, and the pool's owner counts failures in a row.
    session.run({ [inputName]: input }).then((outputs) => {
      const out = outputs[outputName]
      if (out === undefined || !(out.data instanceof Float32Array)) throw new Error(`output ${outputName} is not float32`)
      // A fresh copy: the tensor's own memory belongs to onnxruntime and cannot be transferred.
      const data = out.data.slice()
      send({ type: 'done', id: msg.id, result: { data, dims: [...out.dims], ms: performance.now() - t0 } }, [data.buffer as ArrayBuffer])
    }).catch((err: unknown) => {
      send({ type: 'failed', id: msg.id, message: `inference failed: ${(err as Error).message}` })
    })
  })
  send({ type: 'ready', info: { provider: executionProvider, inputName, outputName, loadMs: performance.now() - started } satisfies SessionInfo })
} catch (err) {
  send({ type: 'start-failed', message: `cannot open ${modelPath} with ${executionProvider}: ${(err as Error).message}` })
}
