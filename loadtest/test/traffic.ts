import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { IMAGES_DIR } from '../src/paths.js'
import type { Stack } from '../src/stack.js'

/** One round of real traffic on every route the metrics tests look at. */
export async function sendTraffic (stack: Stack): Promise<void> {
  const { prime, classifier, frontend } = stack.urls as Record<'prime' | 'classifier' | 'frontend', string>
  const photo = await readFile(join(IMAGES_DIR, 'goldfish.jpg'))
  const answers = await Promise.all([
    fetch(`${prime}/check/97`),
    fetch(`${prime}/check/${'9'.repeat(40)}`),
    fetch(`${prime}/check/12x`),
    fetch(`${prime}/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers: ['7', '91'] }) }),
    fetch(`${frontend}/api/prime/check/1000000007`),
    fetch(`${frontend}/`),
    fetch(`${classifier}/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo }),
    fetch(`${frontend}/api/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo })
  ])
  await Promise.all(answers.map(async (a) => await a.arrayBuffer()))
  const unexpected = answers.filter((a, i) => (i === 2 ? a.status !== 400 : a.status !== 200))
  if (unexpected.length > 0) throw new Error(`traffic got ${unexpected.map((a) => `${a.status} from ${a.url}`).join(', ')}`)
}

export async function scrape (url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`)
  if (res.status !== 200) throw new Error(`${url}/metrics answered ${res.status}`)
  return await res.text()
}
