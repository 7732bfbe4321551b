import { readFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { contentType, PHOTO_NAMES, testImagesDir } from '@inference-stack/test-assets'
import sharp from 'sharp'
import { getEntry } from '@inference-stack/models'
import { DEFAULT_MAX_INPUT_PIXELS } from '../src/config.js'
import { configureSharp } from '../src/lib/preprocess.js'
import type { Photo } from './client.js'
import { decodeBench } from './decode-bench.js'
import { decodeMarkdown } from './decode-report.js'
import { benchModel, type BenchSettings } from './model-bench.js'
import { markdown, writeJson, type BenchReport, type ModelReport } from './report.js'
import { variants as makeVariants } from './variants.js'

const REPO = new URL('../../../', import.meta.url)
const numbers = (s: string): number[] => s.split(',').map(Number)

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    models: { type: 'string', default: 'mobilenetv2-12-int8,synthetic-resnet50' },
    threads: { type: 'string', default: String(availableParallelism()) },
    'batch-sizes': { type: 'string', default: '1,2,4,8' },
    'pipeline-concurrency': { type: 'string', default: '2,4' },
    concurrency: { type: 'string', default: '2,4,8,16' },
    env: { type: 'string', multiple: true, default: [] },
    tsx: { type: 'boolean', default: false },
    'decode-only': { type: 'boolean', default: false },
    server: { type: 'string' }
  }
})
const settings: BenchSettings = {
  threads: Number(flags.threads),
  seconds: Number(flags.duration),
  rounds: Number(flags.rounds),
  batchSizes: numbers(flags['batch-sizes']),
  pipelineConcurrency: numbers(flags['pipeline-concurrency']),
  httpConcurrency: numbers(flags.concurrency),
  serviceEnv: Object.fromEntries(flags.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  server: flags.server ? { entry: resolve(flags.server) } : flags.tsx ? 'tsx' : 'compiled'
}

/** The 12 test photos (TEST_IMAGES_DIR, or fetched on first use), from 500x375 to 5360x3560. */
async function loadPhotos (): Promise<Photo[]> {
  const dir = await testImagesDir()
  return await Promise.all(PHOTO_NAMES.map(async (name) => ({ name, body: await readFile(join(dir, name)), type: contentType(name) })))
}

// The same sharp settings as the service, so (b) and (c) decode alike.
configureSharp()
const photos = await loadPhotos()
const variants = await makeVariants(photos)
const loadavgBefore = loadavg()
const modelNames = flags.models.split(',')
// Preprocessing does not depend on the model's weights, only on the catalog's preprocessing (the same for all here).
console.log(`\n## preprocessing: decode floor, before and after, ${settings.rounds} rounds`)
const decode = await decodeBench([...photos.map((p) => ({ ...p, mix: true })), ...variants.map((p) => ({ ...p, mix: false }))],
  getEntry(modelNames[0]!).preprocessing, { maxInputPixels: DEFAULT_MAX_INPUT_PIXELS }, settings.rounds)
console.log(decodeMarkdown(decode))
const models: ModelReport[] = []
if (!flags['decode-only']) for (const name of modelNames) models.push(await benchModel(name, photos, variants, settings))
const ortVersion = (JSON.parse(await readFile(new URL('node_modules/onnxruntime-node/package.json', REPO), 'utf8')) as { version: string }).version
const report: BenchReport = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime: ortVersion,
    sharp: sharp.versions.sharp ?? '?',
    loadavgBefore,
    loadavgAfter: loadavg()
  },
  settings: { server: typeof settings.server === 'object' ? settings.server.entry : settings.server === 'tsx' ? 'src/server.ts (tsx)' : 'dist/server.js', threads: settings.threads, durationS: settings.seconds, rounds: settings.rounds, photos: photos.map((p) => p.name), variants: variants.map((p) => p.name), serviceEnv: settings.serviceEnv },
  decode,
  models
}
console.log(`\n${markdown(report)}`)
console.log(`\nwrote ${await writeJson(new URL('loadtest/results/bench', REPO).pathname, report)}`)
