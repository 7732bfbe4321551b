import { Agent, request } from 'node:http'
import { Recorder, sleep, until, type Measurement } from './stats.js'

export interface Photo { name: string, body: Buffer, type: string }

async function post (agent: Agent, url: URL, photo: Photo): Promise<number> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': photo.type, 'content-length': photo.body.length } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(photo.body)
  })
}

/**
 * (c) `concurrency` keep-alive connections, each posting the next photo as
 * soon as its previous answer arrives (a closed loop), for a warm-up second
 * and then `seconds` measured. Non-200 answers count as errors.
 */
export async function drive (baseUrl: string, pid: number, photos: Photo[], concurrency: number, seconds: number): Promise<Measurement> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const url = new URL('/classify?topk=1', baseUrl)
  const run: { rec?: Recorder, stop: boolean, answered: number } = { stop: false, answered: 0 }
  let next = 0
  const loop = async (): Promise<void> => {
    while (!run.stop) {
      const t0 = performance.now()
      const status = await post(agent, url, photos[next++ % photos.length]!).catch(() => 0)
      if (status === 200) run.rec?.add(performance.now() - t0)
      else run.rec?.error()
      run.answered++
    }
  }
  const loops = Array.from({ length: concurrency }, () => loop())
  // Warm-up: a second, and until every connection has had an answer.
  await sleep(1000)
  await until(() => run.answered >= concurrency)
  const rec = run.rec = new Recorder([pid])
  const result = await rec.window(seconds, 2 * concurrency)
  run.stop = true
  await Promise.all(loops)
  agent.destroy()
  return result
}
