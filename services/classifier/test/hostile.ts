// The generators live in @inference-stack/test-assets, where the fault suite (loadtest/faults) uses them too.
export { heavyButAllowedJpeg, hostileCases, tiffDeclaring, type HostileCase } from '@inference-stack/test-assets'
