import { readdirSync, readFileSync } from 'node:fs'
import { drive, type Photo } from '../client.js'
import { ServiceProcess, memoryOf } from '../service.js'
const photos: Photo[] = readdirSync('/work/shared/images').filter((n) => !n.endsWith('.json')).sort().map((name) => ({ name, body: readFileSync('/work/shared/images/' + name), type: name.endsWith('.png') ? 'image/png' : 'image/jpeg' }))
const model = process.argv[2] ?? 'synthetic-resnet50'
const configs: Array<[string, boolean, Record<string, string>]> = [
  ['tsx', false, {}],
  ['compiled', true, {}],
  ['compiled MALLOC_ARENA_MAX=2', true, { MALLOC_ARENA_MAX: '2' }],
  ['compiled jemalloc', true, { LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2' }]
]
for (const [label, compiled, env] of configs) {
  if (env.LD_PRELOAD && !readdirSync('/usr/lib/x86_64-linux-gnu').includes('libjemalloc.so.2')) continue
  const svc = await ServiceProcess.start({ MODEL: model, MODELS_DIR: '/work/shared/models', INTRA_OP_THREADS: '2', ...env }, compiled)
  const idle = memoryOf(svc.pid)!
  const r = await drive(svc.url, svc.pid, photos, 8, 8)
  const m = svc.memory()
  console.log(label.padEnd(30), `ready ${idle.rssMB.toFixed(0)} MB, peak ${m.peakRssMB.toFixed(0)} MB, hwm ${m.hwmMB.toFixed(0)} MB, after ${memoryOf(svc.pid)!.rssMB.toFixed(0)} MB, ${r.rps.toFixed(1)} img/s`)
  await svc.stop()
}
