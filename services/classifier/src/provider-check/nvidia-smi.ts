import { execFile } from 'node:child_process'

/** One GPU as `nvidia-smi --query-gpu=name,memory.total,driver_version,uuid --format=csv,noheader,nounits` lists it. */
export interface SmiGpu {
  name: string
  memoryMiB: number
  driver: string
  uuid: string
}

export const SMI_QUERY = ['--query-gpu=name,memory.total,driver_version,uuid', '--format=csv,noheader,nounits']

/** Parses the CSV lines of SMI_QUERY; throws on anything else, quoting it. */
export function parseSmiGpus (text: string): SmiGpu[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const [name, mem, driver, uuid] = line.split(',').map((f) => f.trim())
    const memoryMiB = Number(mem)
    if (name === undefined || driver === undefined || uuid === undefined || !Number.isFinite(memoryMiB)) {
      throw new Error(`unexpected nvidia-smi output: "${line}"`)
    }
    return { name, memoryMiB, driver, uuid }
  })
}

/** Runs nvidia-smi; rejects with its own message (or ENOENT when it is not installed). */
export async function nvidiaSmi (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile('nvidia-smi', args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout)
      else reject(Object.assign(new Error((stderr || stdout || err.message).trim().split('\n')[0] ?? err.message), { code: (err as NodeJS.ErrnoException).code }))
    })
  })
}

/** GPU memory in use (MiB, first GPU), or null where nvidia-smi is not there (a CPU run). */
export async function gpuMemoryUsedMiB (): Promise<number | null> {
  try {
    const out = await nvidiaSmi(['--query-gpu=memory.used', '--format=csv,noheader,nounits'])
    const value = Number(out.trim().split('\n')[0])
    return Number.isFinite(value) ? value : null
  } catch {
    return null
  }
}
