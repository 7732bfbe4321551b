/** The samples of a Prometheus text exposition: `name{labels}` -> value. */
export async function scrape (url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue
    const at = line.lastIndexOf(' ')
    samples.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return samples
}

/** The sum of every sample whose name (labels included) matches. */
export function total (samples: Map<string, number>, match: RegExp): number {
  let sum = 0
  for (const [name, value] of samples) if (match.test(name)) sum += value
  return sum
}
