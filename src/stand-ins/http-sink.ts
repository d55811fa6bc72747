// The http kind's stand-in target: accepts every request with 200 and keeps it for the summary.
import { startRecordingServer, type RecordingServer } from './recording-server.js';

export function startHttpSink(): Promise<RecordingServer> {
  return startRecordingServer(() => ({ status: 200, body: { ok: true } }));
}
