// The http kind's stand-in target: accepts every request with 200 and keeps it for the summary, except during an
// outage, when it answers 503 and counts the refusal.
import { OUTAGE_REPLY, type Outage } from './outage.js';
import { startRecordingServer, type RecordingServer } from './recording-server.js';

export interface HttpSink extends RecordingServer {
  /** Requests answered 503 because of the outage. */
  refused(): number;
}

export async function startHttpSink(outage?: Outage): Promise<HttpSink> {
  let refused = 0;
  const server = await startRecordingServer(() => {
    if (!outage?.down) return { status: 200, body: { ok: true } };
    refused += 1;
    return OUTAGE_REPLY;
  });
  return { ...server, refused: () => refused };
}
