import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { testImagesDir } from '@inference-stack/test-assets'
import type { Stack } from '../src/stack.js'

/** One round of real traffic on every route the metrics tests look at. */
export async function sendTraffic (stack: Stack): Promise<void> {
  const { prime, classifier, frontend } = stack.urls as Record<'prime' | 'classifier' | 'frontend', string>
  const photo = await readFile(join(await testImagesDir(), 'goldfish.jpg'))
  const expected: Array<[Promise<Response>, number]> = [
    [fetch(`${prime}/check/97`), 200],
    [fetch(`${prime}/check/${'9'.repeat(40)}`), 200],
    [fetch(`${prime}/check/12x`), 400],
    [fetch(`${prime}/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers: ['7', '91'] }) }), 200],
    [fetch(`${frontend}/api/prime/check/1000000007`), 200],
    [fetch(`${frontend}/`), 200],
    [fetch(`${classifier}/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo }), 200],
    // A truncated JPEG: refused with 400, counted in classifier_rejected_requests_total{reason}.
    [fetch(`${classifier}/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo.subarray(0, photo.length >> 1) }), 400],
    [fetch(`${frontend}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo }), 200]
  ]
  const answers = await Promise.all(expected.map(async ([p]) => await p))
  await Promise.all(answers.map(async (a) => await a.arrayBuffer()))
  const unexpected = answers.filter((a, i) => a.status !== expected[i]?.[1])
  if (unexpected.length > 0) throw new Error(`traffic got ${unexpected.map((a) => `${a.status} from ${a.url}`).join(', ')}`)
}

export async function scrape (url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`)
  if (res.status !== 200) throw new Error(`${url}/metrics answered ${res.status}`)
  return await res.text()
}
