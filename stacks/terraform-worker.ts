/** Worker-thread entry of the Terraform half of synth (see terraform-synth.ts). */
import { parentPort } from 'node:worker_threads';
import { preloadTerraform, synthTerraform, type TerraformRequest, type WorkerError, type WorkerReply } from './terraform-synth.js';
import { StacksError } from '../lib/errors.js';

// cdktf records a full stack trace for every token it creates (each resource attribute reference),
// to explain errors this thread reports by message anyway. Formatting those traces cost ~1 s of CPU
// per synth; the raw capture stays, the formatting goes. Only this thread, which runs nothing else.
Error.prepareStackTrace = () => '';

const port = parentPort!;
const loaded = preloadTerraform();
port.once('message', (request: TerraformRequest) => {
  loaded
    .then(() => synthTerraform(request))
    .then(
      (timings) => reply({ ok: true, timings }),
      (err: unknown) => reply({ ok: false, error: describe(err) }),
    );
});

function reply(r: WorkerReply): void {
  port.postMessage(r);
  port.close();
}

function describe(err: unknown): WorkerError {
  if (err instanceof StacksError) return { code: err.code, kind: err.kind, file: err.file, path: err.path, hint: err.hint, message: err.message };
  return { message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined };
}
