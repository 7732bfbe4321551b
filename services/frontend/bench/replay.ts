import { readFileSync } from 'node:fs'

/** Linux USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_S = 100

/** utime + stime of a process and all its threads, living and exited, in ms (/proc/<pid>/stat). */
export function processCpuMs (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS_PER_S
}

/** One upload to replay: the multipart body a client sends for `bytes`. */
export interface Upload { name: string, type: string, bytes: Buffer }

export interface Cost {
  uploads: number
  /** CPU time of each watched process over these uploads, in ms. */
  cpuMs: Record<string, number>
  /** The classifier's own decode timing (timings_ms.decode), summed. */
  decodeMs: number
}

export const emptyCost = (names: string[]): Cost =>
  ({ uploads: 0, cpuMs: Object.fromEntries(names.map((n) => [n, 0])), decodeMs: 0 })

/**
 * Posts `upload` `count` times, one after another, to `/api/classify` and adds the
 * CPU time the watched processes spent meanwhile to `cost`. Sequential uploads keep
 * other requests out of the window; the processes are otherwise idle.
 */
export async function replay (baseUrl: string, upload: Upload, count: number, pids: Record<string, number>, cost: Cost): Promise<void> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)]))
  for (let i = 0; i < count; i++) {
    const form = new FormData()
    form.append('image', new Blob([new Uint8Array(upload.bytes)], { type: upload.type }), upload.name)
    const res = await fetch(`${baseUrl}/api/classify?topk=5`, { method: 'POST', body: form })
    const body = await res.json() as { timings_ms?: { decode: number } }
    if (res.status !== 200) throw new Error(`${upload.name}: the classifier answered ${res.status}: ${JSON.stringify(body)}`)
    cost.decodeMs += body.timings_ms?.decode ?? 0
  }
  for (const [name, pid] of Object.entries(pids)) cost.cpuMs[name] = (cost.cpuMs[name] ?? 0) + processCpuMs(pid) - (before[name] ?? 0)
  cost.uploads += count
}

/** CPU time of one watched process per upload, in ms. */
export function perUpload (cost: Cost, name: string): number {
  return cost.uploads === 0 ? 0 : (cost.cpuMs[name] ?? 0) / cost.uploads
}
