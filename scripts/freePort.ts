import net from 'node:net';

/** Listens on the loopback port (0: any), and gives the port taken, or undefined when it is in use. */
async function tryListen(port: number): Promise<net.Server | undefined> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * The first of `count` consecutive loopback ports nothing listens on now, for servers started by
 * benchmarks and tests (the embedded model's servers take the ports after EMBEDDED_MODEL_PORT).
 */
export async function freePort(count = 1): Promise<number> {
  for (;;) {
    const held = [(await tryListen(0))!];
    const { port } = held[0]!.address() as net.AddressInfo;
    while (held.length < count && port + held.length <= 65535) {
      const next = await tryListen(port + held.length);
      if (!next) break;
      held.push(next);
    }
    await Promise.all(held.map(close));
    if (held.length === count) return port;
  }
}
