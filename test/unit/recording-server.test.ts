import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/stand-ins/recording-server.js';

describe('recording server', () => {
  let server: RecordingServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('survives a client that disconnects halfway through a request body, and keeps answering', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      server = await startRecordingServer(() => ({ status: 204 }));
      const { port } = new URL(server.url);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write('POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"partial":');
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const after = await fetch(`${server.url}/next`, { method: 'POST', body: '{}' });
      expect(after.status).toBe(204);
      expect(rejections).toEqual([]);
      expect(server.requests.map((request) => request.path)).toEqual(['/next']);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
