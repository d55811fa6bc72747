// A TCP proxy that holds every chunk for a fixed one-way delay in each direction, keeping order: a network round trip
// on loopback, for the benchmark only (no bandwidth limit, no loss). Timers make the smallest delay about 1 ms.
import { createServer, connect } from 'node:net';

/** Forwards `from` to `to`, each chunk `delayMs` after it arrived. */
function delayedPipe(from, to, delayMs) {
  const queue = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const now = performance.now();
    while (queue.length > 0 && queue[0].due <= now) to.write(queue.shift().chunk);
    if (queue.length > 0) {
      scheduled = true;
      setTimeout(flush, queue[0].due - now);
    }
  };
  from.on('data', (chunk) => {
    queue.push({ chunk, due: performance.now() + delayMs });
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, delayMs);
    }
  });
  from.on('end', () => setTimeout(() => to.end(), delayMs + 1));
}

export function startLatencyProxy(targetPort, oneWayMs) {
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    delayedPipe(client, upstream, oneWayMs);
    delayedPipe(upstream, client, oneWayMs);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        close: () => {
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(done));
        },
      });
    });
  });
}
