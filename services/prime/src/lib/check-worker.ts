// Runs in a worker thread of the check pool (check-pool.ts): decides numbers with the pure
// primality code, so a long Baillie-PSW check never holds the main event loop.
import { parentPort } from 'node:worker_threads'
import { decide } from './check.js'
import type { CheckTask, CheckTaskReply } from './check-protocol.js'

const port = parentPort
if (port === null) throw new Error('check-worker must run in a worker thread')
const send = (reply: CheckTaskReply): void => port.postMessage(reply)

port.on('message', (task: CheckTask) => {
  try {
    send({ type: 'done', id: task.id, answers: task.numbers.map(decide) })
  } catch (err) {
    send({ type: 'failed', id: task.id, message: (err as Error).message })
  }
})
send({ type: 'ready' })
