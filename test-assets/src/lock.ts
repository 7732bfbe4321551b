import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const POLL_MS = 100
/** A lock older than this is taken over even if its owner still runs: downloads here take seconds. */
const STALE_MS = 10 * 60_000

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Runs `fn` while holding `<dir>/.lock`, so that test files starting in
 * parallel on a cold cache download each asset once instead of once per
 * file. mkdir is atomic; a lock whose process is gone is taken over.
 */
export async function withLock<T> (dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.lock')
  await mkdir(dir, { recursive: true })
  for (;;) {
    try {
      await mkdir(lock)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''))
    const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now())
    if ((owner > 0 && !alive(owner)) || age > STALE_MS) await rm(lock, { recursive: true, force: true })
    else await sleep(POLL_MS)
  }
  try {
    await writeFile(join(lock, 'pid'), String(process.pid))
    return await fn()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}
