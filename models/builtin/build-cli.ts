/** `npm run models:build`: regenerates the built-in model and rewrites its manifest checksums. */
import { writeBuiltinModel, BUILTIN_DIR } from './build.ts';

const manifest = writeBuiltinModel();
console.log(`built-in model written to ${BUILTIN_DIR}`);
console.log(`encoder sha256 ${manifest.files.encoder.sha256}`);
console.log(`decoder sha256 ${manifest.files.decoder.sha256}`);
