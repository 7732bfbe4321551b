import { readdir, readFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { extname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_CACHE_DIR, getEntry, resolveModel } from '@inference-stack/models'
import sharp from 'sharp'
import { DEFAULT_MAX_INPUT_PIXELS } from '../src/config.js'
import { configureSharp, preprocess } from '../src/lib/preprocess.js'
import { ModelSession } from '../src/lib/session.js'
import { drive, type Photo } from './client.js'
import { pipelineLoop, rawLoop } from './in-process.js'
import { markdown, writeJson, type BenchReport, type ModelReport } from './report.js'
import { ServiceProcess } from './service.js'
import { best, fmt } from './stats.js'
import { ensureSynthetic } from './synthetic.js'

const REPO = new URL('../../../', import.meta.url)
const SHARED = process.env.SHARED_DIR ?? new URL('../shared', REPO).pathname
const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' }
const list = (s: string): number[] => s.split(',').map(Number)

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    models: { type: 'string', default: 'mobilenetv2-12-int8,synthetic-resnet50' },
    threads: { type: 'string', default: String(availableParallelism()) },
    'batch-sizes': { type: 'string', default: '1,2,4,8' },
    'pipeline-concurrency': { type: 'string', default: '2,4' },
    concurrency: { type: 'string', default: '2,4,8,16' },
    env: { type: 'string', multiple: true, default: [] }
  }
})
const seconds = Number(flags.duration)
const threads = Number(flags.threads)
const serviceEnv = Object.fromEntries(flags.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))

async function loadPhotos (): Promise<Photo[]> {
  const dir = join(SHARED, 'images')
  const names = (await readdir(dir)).filter((n) => TYPES[extname(n).toLowerCase()]).sort()
  return await Promise.all(names.map(async (name) => ({ name, body: await readFile(join(dir, name)), type: TYPES[extname(name).toLowerCase()]! })))
}

async function meanBatchSize (url: string): Promise<number | undefined> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text(), () => '')
  const value = (suffix: string): number => Number(new RegExp(`^\\w*batch_size${suffix}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1])
  const mean = value('_sum') / value('_count')
  return Number.isFinite(mean) ? mean : undefined
}

async function benchModel (name: string, photos: Photo[]): Promise<ModelReport> {
  const entry = getEntry(name)
  if (entry.synthetic === true) await ensureSynthetic(SHARED, DEFAULT_CACHE_DIR, entry.file)
  const modelsDir = join(SHARED, 'models')
  const model = await resolveModel(name, { modelsDir })
  const limits = { maxInputPixels: DEFAULT_MAX_INPUT_PIXELS }
  console.log(`\n## ${name} (${model.path}), ${threads} onnxruntime threads`)
  const tensors = await Promise.all(photos.map((p) => preprocess(p.body, entry.preprocessing, limits)))
  const session = await ModelSession.create({ modelPath: model.path, executionProvider: 'cpu', intraOpThreads: threads })
  const rawSweep = []
  for (const batchSize of list(flags['batch-sizes'])) {
    const result = await rawLoop(session, tensors, batchSize, seconds)
    console.log(`(a) raw batch ${String(batchSize).padStart(2)}            ${fmt(result)}`)
    rawSweep.push({ batchSize, result })
  }
  const raw = best(rawSweep)
  const pipeSweep = []
  for (const concurrency of list(flags['pipeline-concurrency'])) {
    const result = await pipelineLoop(session, photos.map((p) => p.body), { batchSize: raw.batchSize, concurrency, seconds, spec: entry.preprocessing, limits })
    console.log(`(b) pipeline batch ${raw.batchSize}, ${concurrency} decoding ${fmt(result)}`)
    pipeSweep.push({ concurrency, result })
  }
  const pipe = best(pipeSweep)
  await session.close()

  const svc = await ServiceProcess.start({ MODEL: name, MODELS_DIR: modelsDir, MODEL_CACHE_DIR: DEFAULT_CACHE_DIR, INTRA_OP_THREADS: String(threads), ...serviceEnv })
  try {
    const info = await fetch(`${svc.url}/info`).then((r) => r.json(), () => undefined)
    const svcSweep = []
    for (const concurrency of list(flags.concurrency)) {
      const result = await drive(svc.url, photos, concurrency, seconds)
      console.log(`(c) HTTP, ${String(concurrency).padStart(2)} connections    ${fmt(result)}`)
      svcSweep.push({ concurrency, result })
    }
    const svcBest = best(svcSweep)
    const memory = svc.memory()
    const report: ModelReport = {
      model: name,
      file: model.path,
      sha256: model.sha256,
      raw: { batchSize: raw.batchSize, result: raw.result, sweep: rawSweep },
      pipeline: { batchSize: raw.batchSize, concurrency: pipe.concurrency, result: pipe.result, sweep: pipeSweep },
      service: { concurrency: svcBest.concurrency, result: svcBest.result, sweep: svcSweep, info, meanBatchSize: await meanBatchSize(svc.url), ...memory },
      ratios: { cOverB: svcBest.result.rps / pipe.result.rps, cOverA: svcBest.result.rps / raw.result.rps }
    }
    console.log(`c/b ${report.ratios.cOverB.toFixed(2)}  c/a ${report.ratios.cOverA.toFixed(2)}  classifier RSS peak ${memory.peakRssMB.toFixed(0)} MB`)
    return report
  } finally {
    await svc.stop()
  }
}

configureSharp()
const photos = await loadPhotos()
const loadavgBefore = loadavg()
const models: ModelReport[] = []
for (const name of flags.models.split(',')) models.push(await benchModel(name, photos))
const ortVersion = JSON.parse(await readFile(new URL('node_modules/onnxruntime-node/package.json', REPO), 'utf8')).version as string
const report: BenchReport = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, onnxruntime: ortVersion, sharp: sharp.versions.sharp ?? '?', loadavgBefore, loadavgAfter: loadavg() },
  settings: { threads, durationS: seconds, photos: photos.map((p) => p.name) },
  models
}
console.log(`\n${markdown(report)}`)
console.log(`\nwrote ${await writeJson(new URL('loadtest/results', REPO).pathname, report)}`)
