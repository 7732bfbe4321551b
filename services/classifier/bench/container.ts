// npx tsx services/classifier/bench/container.ts [--image inference-stack/classifier] [--cpus 1,2] [--duration 10]
//   [--concurrency N (default 4 x cpus)] [--model mobilenetv2-12-int8]
// The classifier image under `docker run --cpus N`, one N after the other, driven over HTTP with the
// 12-photo mix: img/s, the container's CPU time from its cgroup (cores used, share of the limit),
// img/s per core used. Build the image first (services/classifier/Dockerfile).
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { extname, join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { testImagesDir, testModelsDir } from '@inference-stack/test-assets'
import { drive, type Photo } from './client.js'
import { scrape, profile, describe } from './service-metrics.js'
import { fmt } from './stats.js'

const run = async (...args: string[]): Promise<string> => (await promisify(execFile)('docker', args)).stdout.trim()
const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.png': 'image/png' }

const { values: flags } = parseArgs({
  options: {
    image: { type: 'string', default: 'inference-stack/classifier' },
    cpus: { type: 'string', default: String(availableParallelism()) },
    duration: { type: 'string', default: '10' },
    concurrency: { type: 'string' },
    model: { type: 'string', default: 'mobilenetv2-12-int8' }
  }
})

/**
 * CPU seconds the container has used, and its CFS periods and throttled periods (it wanted more than
 * --cpus allowed), from its cgroup: v1 cpuacct + cpu, or v2 cpu.stat, as the host mounts them.
 */
async function cgroupCpu (id: string): Promise<{ s: number, periods: number, throttled: number }> {
  const field = (text: string, key: string): number => Number(new RegExp(`^${key} (\\d+)`, 'm').exec(text)?.[1] ?? NaN)
  const v1 = await readFile(`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, 'utf8').catch(() => undefined)
  if (v1 !== undefined) {
    const stat = await readFile(`/sys/fs/cgroup/cpu/docker/${id}/cpu.stat`, 'utf8')
    return { s: Number(v1) / 1e9, periods: field(stat, 'nr_periods'), throttled: field(stat, 'nr_throttled') }
  }
  const v2 = await readFile(`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, 'utf8')
  return { s: field(v2, 'usage_usec') / 1e6, periods: field(v2, 'nr_periods'), throttled: field(v2, 'nr_throttled') }
}

async function waitReady (url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`the container at ${url} was not ready within ${timeoutMs} ms`)
}

const dir = await testImagesDir()
const modelsDir = await testModelsDir()
const photos: Photo[] = await Promise.all((await readdir(dir)).filter((n) => TYPES[extname(n)]).sort()
  .map(async (name) => ({ name, body: await readFile(join(dir, name)), type: TYPES[extname(name)]! })))
const rows: string[] = []
for (const cpus of flags.cpus.split(',').map(Number)) {
  const id = await run('run', '-d', '--rm', '--name', `bench-classifier-${cpus}`, '--cpus', String(cpus),
    '-e', `MODEL=${flags.model}`, '-e', 'LOG_LEVEL=warn', '-v', `${modelsDir}:/models:ro`, '-p', '127.0.0.1::8082', flags.image)
  try {
    const port = (await run('port', id, '8082/tcp')).split(':').at(-1)
    const url = `http://127.0.0.1:${port}`
    await waitReady(url, 180_000)
    const seen = await run('exec', id, 'node', '-p', 'require("os").availableParallelism() + " " + (process.env.UV_THREADPOOL_SIZE ?? 4)')
    const concurrency = Number(flags.concurrency ?? 4 * cpus)
    await drive(url, 0, photos, concurrency, 2)
    const before = await scrape(url)
    const cpu0 = await cgroupCpu(id)
    const t0 = performance.now()
    // pid 0: the container's CPU comes from its cgroup; the meter's "others" then includes it.
    const m = await drive(url, 0, photos, concurrency, Number(flags.duration))
    const cpu1 = await cgroupCpu(id)
    const used = (cpu1.s - cpu0.s) / ((performance.now() - t0) / 1000)
    const throttled = (cpu1.throttled - cpu0.throttled) / Math.max(1, cpu1.periods - cpu0.periods)
    const others = Math.max(0, m.cpu.others - used)
    // Cores of the machine nobody used while requests queued (the client keeps 4 x N in flight).
    const idle = Math.max(0, availableParallelism() - used - others - m.cpu.bench)
    const p = profile(before, await scrape(url))
    console.log(`--cpus ${cpus}: ${fmt(m)}\n  container used ${used.toFixed(2)} cores of ${cpus} (${(100 * used / cpus).toFixed(0)} %), throttled in ${(100 * throttled).toFixed(0)} % of periods; ` +
      `${(m.rps / used).toFixed(1)} img/s per core; other work ${others.toFixed(2)} cores, idle ${idle.toFixed(2)}; availableParallelism / UV_THREADPOOL_SIZE inside: ${seen}${p ? `; ${describe(p)}` : ''}`)
    rows.push(`| ${cpus} | ${concurrency} | ${m.rps.toFixed(1)} | ${m.p50Ms.toFixed(0)} | ${used.toFixed(2)} | ${(100 * used / cpus).toFixed(0)} % | ${(100 * throttled).toFixed(0)} % | ` +
      `${(m.rps / used).toFixed(1)} | ${m.cpu.bench.toFixed(2)} / ${others.toFixed(2)} / ${idle.toFixed(2)} | ${seen.replace(' ', ' / ')} |`)
  } finally {
    await run('stop', '-t', '10', id).catch(() => {})
  }
}
console.log(['', '| --cpus | connections | img/s | p50 ms | cores used (cgroup) | of the limit | periods throttled | img/s per core | machine cores: client / other work / idle | availableParallelism / UV_THREADPOOL_SIZE |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|', ...rows].join('\n'))
