import { parentPort, Worker } from 'node:worker_threads';
import { control } from './server';
import { startFakeAws } from './index';

/**
 * The fake endpoint on its own thread, so its JSON work does not share the event loop of
 * the code being measured (as with a real remote endpoint). Driven over /__control/*.
 */
export async function startFakeAwsThread(): Promise<{ url: string; control: (name: string, action: string, body?: unknown) => Promise<unknown>; close(): Promise<void> }> {
  const worker = new Worker(__filename);
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    url,
    control: (name, action, body) => control(url, name, action, body),
    close: async () => {
      await worker.terminate();
    },
  };
}

if (parentPort) {
  const port = parentPort;
  void startFakeAws().then(({ aws }) => port.postMessage(aws.url));
}
