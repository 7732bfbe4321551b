import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { WorkerPool, WorkerPoolError, type WorkerPoolOptions } from '@inference-stack/kit'
import type { TestResult, TestTask } from './fixtures/task-worker.js'

const SCRIPT = new URL('./fixtures/task-worker.ts', import.meta.url)
type Pool = WorkerPool<TestTask, TestResult>

async function pool (opts: Partial<WorkerPoolOptions<TestTask, TestResult>> = {}): Promise<Pool> {
  const created = await WorkerPool.create<TestTask, TestResult>({ name: 'test-task', script: SCRIPT, size: 1, maxQueue: 4, restartDelayMs: 50, ...opts })
  onTestFinished(() => created.close())
  return created
}

const failure = async (promise: Promise<unknown>): Promise<WorkerPoolError> => {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(WorkerPoolError)
  return err as WorkerPoolError
}

describe('WorkerPool', () => {
  it('runs tasks on its workers, queues the rest in order and refuses beyond maxQueue at once', async () => {
    const p = await pool({ size: 2, maxQueue: 2 })
    expect([p.alive, p.idle]).toEqual([2, 2])
    const running = [p.run({ op: 'wait', ms: 200 }), p.run({ op: 'wait', ms: 200 })]
    const queued = [p.run({ op: 'echo', value: 'a' }), p.run({ op: 'echo', value: 'b' })]
    expect([p.busy, p.queueDepth]).toEqual([2, 2])
    const refused = await failure(p.run({ op: 'echo', value: 'c' }))
    expect(refused.kind).toBe('queue_full')
    expect(refused.message).toMatch(/every test-task worker \(2 of 2 alive\) is busy and 2 tasks are waiting/)
    expect((await Promise.all(queued)).map((r) => r.value)).toEqual(['a', 'b'])
    await Promise.all(running)
  })

  it('fails a thrown task alone (task_failed): its worker lives on', async () => {
    const p = await pool()
    const first = await p.run({ op: 'echo', value: 'x' })
    expect((await failure(p.run({ op: 'throw' }))).kind).toBe('task_failed')
    const after = await p.run({ op: 'echo', value: 'y' })
    expect([after.threadId, after.ran]).toEqual([first.threadId, 3])
  })

  it('fails the task of a worker that dies (worker_failed), replaces the worker, and runs the next task on the new one', async () => {
    const exited = vi.fn()
    const p = await pool({ events: { exited } })
    const before = await p.run({ op: 'echo', value: 'x' })
    const err = await failure(p.run({ op: 'exit', code: 70 }))
    expect([err.kind, err.message]).toEqual(['worker_failed', 'the test-task worker running this task stopped (exit code 70)'])
    expect(exited).toHaveBeenCalledWith('exit code 70', true)
    const next = await p.run({ op: 'echo', value: 'again' })
    expect(next.value).toBe('again')
    expect(next.threadId).not.toBe(before.threadId)
    expect(p.alive).toBe(1)
  })

  it('lets a task whose signal aborts while it waits leave the queue without running', async () => {
    const p = await pool()
    const busy = p.run({ op: 'wait', ms: 150 })
    const controller = new AbortController()
    const dropped = p.run({ op: 'echo', value: 'never' }, { signal: controller.signal })
    expect(p.queueDepth).toBe(1)
    controller.abort()
    expect((await failure(dropped)).kind).toBe('cancelled')
    expect(p.queueDepth).toBe(0)
    await busy
    // The worker ran the wait and this one: the dropped task never reached it.
    expect((await p.run({ op: 'echo', value: 'next' })).ran).toBe(2)
    expect((await failure(p.run({ op: 'echo', value: 'late' }, { signal: AbortSignal.abort() }))).kind).toBe('cancelled')
  })

  it('prepares every worker before it takes tasks, a replacement too, with what the worker said when ready', async () => {
    const prepared: number[] = []
    const p = await pool({
      prepare: async (run, info) => {
        const { threadId } = await run({ op: 'echo', value: 'warm' })
        expect(info).toEqual({ threadId })
        prepared.push(threadId)
      }
    })
    // create() resolves once the worker is loaded; its preparation goes on until warmedUp.
    await p.warmedUp
    expect(prepared).toHaveLength(1)
    expect((await p.run({ op: 'echo', value: 'x' })).ran).toBe(2)
    await failure(p.run({ op: 'exit', code: 1 }))
    // The task queued while the replacement starts runs after its warm-up.
    expect((await p.run({ op: 'echo', value: 'y' })).ran).toBe(2)
    expect(prepared).toHaveLength(2)
  })

  it('refuses to create a pool whose workers cannot start, saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pool-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const flag = join(dir, 'broken')
    await writeFile(flag, '')
    await expect(pool({ workerData: { failStartIf: flag } })).rejects.toThrow(`${flag} exists`)
  })

  it('refuses waiting tasks while no worker can start, tries again with a growing delay, and serves once one starts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pool-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const flag = join(dir, 'broken')
    const startFailed = vi.fn()
    const p = await pool({ workerData: { failStartIf: flag }, events: { startFailed } })
    await writeFile(flag, '')
    await failure(p.run({ op: 'exit', code: 1 }))
    expect(p.alive).toBe(0)
    const waiting = p.run({ op: 'echo', value: 'x' })
    const refused = await failure(waiting)
    expect([refused.kind, refused.message]).toEqual(['worker_failed', `no test-task worker could start (${flag} exists)`])
    await vi.waitFor(() => expect(startFailed.mock.calls.map(([, delay]) => delay as number).slice(0, 2)).toEqual([50, 100]))
    await rm(flag)
    await vi.waitFor(() => expect(p.alive).toBe(1), { timeout: 5000 })
    expect((await p.run({ op: 'echo', value: 'back' })).value).toBe('back')
  })

  it('on close, refuses queued tasks, lets the running one finish and ends its workers', async () => {
    const p = await WorkerPool.create<TestTask, TestResult>({ name: 'test-task', script: SCRIPT, size: 1, maxQueue: 4 })
    const running = p.run({ op: 'wait', ms: 100 })
    const queued = failure(p.run({ op: 'echo', value: 'x' }))
    await p.close()
    expect((await running).ran).toBe(1)
    expect((await queued).kind).toBe('closed')
    expect((await failure(p.run({ op: 'echo', value: 'y' }))).kind).toBe('closed')
    expect(p.alive).toBe(0)
  })
})
