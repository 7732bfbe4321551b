import { DEFAULT_CACHE_DIR, generateModel, getEntry, resolveModel } from '@inference-stack/models'
import { TEST_MODEL, testModelsDir } from '@inference-stack/test-assets'
import { DEFAULT_MAX_INPUT_PIXELS } from '../src/config.js'
import { preprocess } from '../src/lib/preprocess.js'
import { ModelSession } from '../src/lib/session.js'
import { accuracyCheck } from './accuracy.js'
import { preprocessBefore } from './before.js'
import { drive, type Photo } from './client.js'
import { pipelineLoop, rawLoop } from './in-process.js'
import type { ModelReport } from './report.js'
import { ServiceProcess } from './service.js'
import { describe, profile, scrape, type ServiceProfile } from './service-metrics.js'
import { best, fmt, median, medianOf, perCore, type Measurement } from './stats.js'

export interface BenchSettings {
  threads: number
  /** Seconds per measured point in the interleaved rounds; sweeps use 60 % of it. */
  seconds: number
  rounds: number
  batchSizes: number[]
  pipelineConcurrency: number[]
  httpConcurrency: number[]
  /** Extra environment for the classifier (e.g. MAX_QUEUE_DELAY_MS=2). */
  serviceEnv: Record<string, string>
  /** dist/server.js (as in production), the sources under tsx, or another build's entry (to compare a change). */
  server: 'compiled' | 'tsx' | { entry: string }
}

/**
 * One model: sweeps pick the best batch size (a), decoding concurrency (b)
 * and HTTP concurrency (c); then `rounds` rounds measure a, b and c back to
 * back, so each ratio compares figures taken under the same background load.
 */
export async function benchModel (name: string, photos: Photo[], variants: Photo[], s: BenchSettings): Promise<ModelReport> {
  const entry = getEntry(name)
  // The test model comes from MODELS_DIR or is fetched as the tests do; the synthetic
  // ResNet-50 is generated into the cache on first use; any other is looked up as the classifier does.
  if (entry.synthetic === true) await generateModel(entry, DEFAULT_CACHE_DIR, (l) => console.log(l))
  const modelsDir = name === TEST_MODEL ? await testModelsDir() : process.env.MODELS_DIR
  const model = await resolveModel(name, { modelsDir })
  const limits = { maxInputPixels: DEFAULT_MAX_INPUT_PIXELS }
  const bodies = photos.map((p) => p.body)
  console.log(`\n## ${name} (${model.path}), ${s.threads} onnxruntime threads`)
  const tensors = await Promise.all(photos.map((p) => preprocess(p.body, entry.preprocessing, limits)))
  const session = await ModelSession.create({ modelPath: model.path, executionProvider: 'cpu', intraOpThreads: s.threads })
  const accuracy = await accuracyCheck(session, entry, model.labels, [...photos, ...variants], limits)
  console.log(`accuracy against the reference preprocessing: top-1 same on ${accuracy.after.top1Same}/${accuracy.after.of}, ` +
    `max |delta p| (top-5) ${accuracy.after.maxDeltaP.toFixed(3)}, mean tensor difference at most ${accuracy.after.maxMeanGrey.toFixed(2)} grey levels`)
  const svc = await ServiceProcess.start({
    MODEL: name, ...(modelsDir ? { MODELS_DIR: modelsDir } : {}), MODEL_CACHE_DIR: DEFAULT_CACHE_DIR, INTRA_OP_THREADS: String(s.threads), ...s.serviceEnv
  }, s.server).catch(async (err: unknown) => { await session.close(); throw err })
  try {
    const sweepS = Math.max(2, s.seconds * 0.6)
    const raw = (batchSize: number, seconds: number): Promise<Measurement> => rawLoop(session, tensors, batchSize, seconds)
    const after = async (image: Buffer): Promise<Float32Array> => await preprocess(image, entry.preprocessing, limits)
    const before = async (image: Buffer): Promise<Float32Array> => await preprocessBefore(image, entry.preprocessing, limits)
    const pipe = (batchSize: number, concurrency: number, seconds: number, prepare = after): Promise<Measurement> =>
      pipelineLoop(session, bodies, { batchSize, concurrency, seconds, prepare })
    const http = (concurrency: number, seconds: number): Promise<Measurement> => drive(svc.url, svc.pid, photos, concurrency, seconds)
    const profiles: ServiceProfile[] = []
    const profiled = async (concurrency: number, seconds: number): Promise<Measurement> => {
      const before = await scrape(svc.url)
      const result = await http(concurrency, seconds)
      const p = profile(before, await scrape(svc.url))
      if (p) profiles.push(p)
      return result
    }

    const rawSweep = []
    for (const batchSize of s.batchSizes) {
      rawSweep.push({ batchSize, result: await raw(batchSize, sweepS) })
      console.log(`sweep (a) batch ${batchSize}`.padEnd(34), fmt(rawSweep.at(-1)!.result))
    }
    const { batchSize } = best(rawSweep)
    const pipeSweep = []
    for (const concurrency of s.pipelineConcurrency) {
      pipeSweep.push({ concurrency, result: await pipe(batchSize, concurrency, sweepS) })
      console.log(`sweep (b) batch ${batchSize}, ${concurrency} decoding`.padEnd(34), fmt(pipeSweep.at(-1)!.result))
    }
    const pipeConcurrency = best(pipeSweep).concurrency
    const httpSweep = []
    for (const concurrency of s.httpConcurrency) {
      httpSweep.push({ concurrency, result: await http(concurrency, sweepS) })
      console.log(`sweep (c) ${concurrency} connections`.padEnd(34), fmt(httpSweep.at(-1)!.result))
    }
    const httpConcurrency = best(httpSweep).concurrency

    const rounds = []
    for (let r = 1; r <= s.rounds; r++) {
      const round = {
        raw: await raw(batchSize, s.seconds),
        pipelineBefore: await pipe(batchSize, pipeConcurrency, s.seconds, before),
        pipeline: await pipe(batchSize, pipeConcurrency, s.seconds),
        http: await profiled(httpConcurrency, s.seconds)
      }
      rounds.push(round)
      console.log(`round ${r} (a)`.padEnd(34), fmt(round.raw))
      console.log(`round ${r} (b) before`.padEnd(34), fmt(round.pipelineBefore))
      console.log(`round ${r} (b)`.padEnd(34), fmt(round.pipeline))
      console.log(`round ${r} (c)`.padEnd(34), fmt(round.http))
      const p = profiles.at(-1)
      if (p) console.log(`round ${r} (c) inside the service`.padEnd(34), describe(p))
    }
    const memory = svc.memory()
    const report: ModelReport = {
      model: name,
      file: model.path,
      sha256: model.sha256,
      chosen: { batchSize, pipelineConcurrency: pipeConcurrency, httpConcurrency },
      raw: median(rounds.map((r) => r.raw)),
      pipeline: median(rounds.map((r) => r.pipeline)),
      pipelineBefore: median(rounds.map((r) => r.pipelineBefore)),
      http: median(rounds.map((r) => r.http)),
      ratios: {
        cOverB: medianOf(rounds.map((r) => r.http.rps / r.pipeline.rps)),
        bOverBefore: medianOf(rounds.map((r) => r.pipeline.rps / r.pipelineBefore.rps)),
        cOverA: medianOf(rounds.map((r) => r.http.rps / r.raw.rps)),
        perCoreCOverB: medianOf(rounds.map((r) => perCore(r.http) / perCore(r.pipeline)))
      },
      service: { info: await fetch(`${svc.url}/info`).then((r) => r.json(), () => undefined), profiles, ...memory },
      accuracy,
      sweeps: { raw: rawSweep, pipeline: pipeSweep, http: httpSweep },
      rounds
    }
    console.log(`b/b-before ${report.ratios.bOverBefore.toFixed(2)}  c/b ${report.ratios.cOverB.toFixed(2)}  c/a ${report.ratios.cOverA.toFixed(2)}  c/b per core-s ${report.ratios.perCoreCOverB.toFixed(2)}  classifier RSS peak ${memory.peakRssMB.toFixed(0)} MB (VmHWM ${memory.hwmMB.toFixed(0)} MB)`)
    return report
  } finally {
    await svc.stop()
    await session.close()
  }
}
