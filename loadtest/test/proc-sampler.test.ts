import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ProcSampler, processTree } from '../src/proc-sampler.js'

/** A shell whose child burns CPU until killed: a process tree like gunicorn's master and worker. */
function busyTree (): { pid: number } {
  const sh = spawn('/bin/sh', ['-c', `exec_child() { ${process.execPath} -e "for(;;){}"; }; exec_child & wait`], { stdio: 'ignore' })
  onTestFinished(async () => {
    for (const pid of processTree(sh.pid as number).reverse()) {
      try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ }
    }
    if (sh.exitCode === null) await once(sh, 'exit')
  })
  return { pid: sh.pid as number }
}

describe('the /proc sampler', () => {
  it('finds a process\'s descendants', async () => {
    const { pid } = busyTree()
    await sleep(300)
    const tree = processTree(pid)
    expect(tree[0]).toBe(pid)
    expect(tree.length).toBeGreaterThanOrEqual(2)
  })

  it('counts CPU time and RSS of the whole tree, and the cost per request', async () => {
    const { pid } = busyTree()
    await sleep(300)
    const sampler = new ProcSampler({ busy: pid }, 100)
    sampler.start()
    await sleep(1000)
    const { busy } = sampler.stop(100)
    expect(busy?.pid).toBe(pid)
    // The busy child spins on a core: far more CPU than the idle shell alone could show.
    expect(busy?.cpuSeconds).toBeGreaterThan(0.1)
    expect(busy?.cpuSecondsPerRequest).toBeCloseTo((busy?.cpuSeconds ?? 0) / 100, 4)
    expect(busy?.rssMiB.max).toBeGreaterThan(10)
    expect(busy?.rssMiB.mean).toBeLessThanOrEqual(busy?.rssMiB.max ?? 0)
  })
})
