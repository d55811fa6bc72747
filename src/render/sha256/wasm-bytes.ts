// sha256.wat assembled, base64: scripts/build.mjs fills this in for the bundles; from src/ it is empty.
export const SHA256_WASM = '';
