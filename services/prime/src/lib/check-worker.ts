// Runs in a worker thread of the check pool (check-pool.ts): decides numbers with the pure
// primality code, so a long Baillie-PSW check never holds the main event loop.
import { parentPort } from 'node:worker_threads'
import type { PoolReply, PoolRequest } from '@inference-stack/kit'
import type { CheckResult } from '../schemas/check.js'
import { decide, type ParsedNumber } from './check.js'

const port = parentPort
if (port === null) throw new Error('check-worker must run in a worker thread')
const send = (reply: PoolReply<CheckResult[]>): void => port.postMessage(reply)

port.on('message', (msg: PoolRequest<ParsedNumber[]>) => {
  if (msg.type === 'close') {
    port.close()
    return
  }
  try {
    send({ type: 'done', id: msg.id, result: msg.task.map(decide) })
  } catch (err) {
    send({ type: 'failed', id: msg.id, message: (err as Error).message })
  }
})
send({ type: 'ready' })
