import * as ort from 'onnxruntime-node'
import { readFileSync } from 'node:fs'
const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024
const opts = JSON.parse(process.argv[2] ?? '{}')
const base = rss()
const s = await ort.InferenceSession.create('models/cache/synthetic-resnet50.onnx', { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...opts })
const loaded = rss()
const times: number[] = []
for (let n = 1; n <= 8; n++) { const t = performance.now(); await s.run({ data: new ort.Tensor('float32', new Float32Array(n * 150528), [n, 3, 224, 224]) }); times.push(Math.round(performance.now() - t)) }
const warmed = rss()
const t = performance.now(); for (let i = 0; i < 3; i++) await s.run({ data: new ort.Tensor('float32', new Float32Array(8 * 150528), [8, 3, 224, 224]) })
console.log(JSON.stringify(opts).padEnd(60), `base ${base.toFixed(0)} loaded +${(loaded - base).toFixed(0)} warmed +${(warmed - base).toFixed(0)} MB; b8 ${((performance.now() - t) / 3).toFixed(0)} ms; warm ${times.join(',')}`)
