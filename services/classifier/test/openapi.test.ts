import { describe, expect, it } from 'vitest'
import { buildApp } from './helpers.js'

interface Operation {
  parameters?: Array<{ name: string, in: string, required?: boolean }>
  requestBody?: { content: Record<string, { schema: { type?: string, format?: string, properties?: Record<string, { type: string, format?: string }> } }> }
  responses: Record<string, unknown>
}

describe('the classifier\'s OpenAPI document', () => {
  it('documents the upload of POST /classify, a multipart file field "image" or raw image bytes, and an optional topk', async () => {
    const app = await buildApp()
    const doc = (await app.inject('/docs/json')).json() as { paths: Record<string, Record<string, Operation>> }
    const classify = doc.paths['/classify']!.post!
    const content = classify.requestBody!.content
    expect(Object.keys(content)).toEqual(['multipart/form-data', 'image/*'])
    expect(content['multipart/form-data']!.schema.properties!.image).toMatchObject({ type: 'string', format: 'binary' })
    expect(content['image/*']!.schema).toMatchObject({ type: 'string', format: 'binary' })
    const topk = classify.parameters!.find((p) => p.name === 'topk')
    expect(topk).toMatchObject({ in: 'query' })
    expect(topk!.required).not.toBe(true)
    expect(Object.keys(classify.responses).sort()).toEqual(['200', '4XX', '5XX'])
  })
})
