import { setupClassify } from './classify.js'
import { showClassifierStatus } from './classifier-status.js'
import { byId, launch } from './dom.js'
import { setupPrime } from './prime.js'

setupPrime(byId<HTMLFormElement>('prime-form'), byId<HTMLInputElement>('prime-input'), byId('prime-result'))
const image = {
  zone: byId('dropzone'),
  input: byId<HTMLInputElement>('image-input'),
  preview: byId<HTMLImageElement>('preview'),
  out: byId('image-result')
}
setupClassify(image)
const status = byId('classifier-status')
launch(showClassifierStatus(status, image), status)
