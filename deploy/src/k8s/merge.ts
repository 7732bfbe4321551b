/** A Kubernetes object, or any part of one, as parsed from YAML. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)
const named = (list: Json[]): list is JsonObject[] => list.length > 0 && list.every((x) => isObject(x) && typeof x.name === 'string')

/**
 * Strategic merge patch, the subset this project's manifests use, as kustomize
 * applies it: maps merge key by key; lists of named items (containers, env,
 * volumes, volumeMounts, initContainers) merge item by item on `name`, new
 * items appended; every other list, and every scalar, is replaced by the patch.
 * `null` in the patch deletes the key.
 */
export function strategicMerge (base: Json | undefined, patch: Json): Json {
  if (isObject(patch)) {
    const out: JsonObject = isObject(base) ? { ...base } : {}
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key]
      else out[key] = strategicMerge(out[key], value)
    }
    return out
  }
  if (Array.isArray(patch) && Array.isArray(base) && named(patch) && named(base)) {
    const out = base.map((item) => {
      const match = patch.find((p) => p.name === item.name)
      return match === undefined ? item : strategicMerge(item, match)
    })
    for (const p of patch) if (!base.some((b) => b.name === p.name)) out.push(p)
    return out
  }
  return patch
}
