// Runs in a worker thread: decodes large KServe v2 infer bodies (lib/v2-decode.ts) so that
// JSON.parse of tens of MB never stalls the event loop that answers /healthz and the batcher.
import { parentPort } from 'node:worker_threads'
import { decodeInferBody, V2BodyError } from './v2-decode.js'

export interface DecodeJob { id: number, bytes: Uint8Array }
export type DecodeReply = { id: number, body: unknown } | { id: number, error: string, invalid: boolean }

const port = parentPort
if (port === null) throw new Error('v2-decode-worker must run in a worker thread')
const utf8 = new TextDecoder()

port.on('message', ({ id, bytes }: DecodeJob) => {
  try {
    const { body, transfer } = decodeInferBody(utf8.decode(bytes))
    port.postMessage({ id, body } satisfies DecodeReply, transfer)
  } catch (err) {
    port.postMessage({ id, error: (err as Error).message, invalid: err instanceof V2BodyError } satisfies DecodeReply)
  }
})
