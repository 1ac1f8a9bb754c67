// Hosts that cannot be reached, on loopback only: a refused one (a closed port), a black-holed
// one whose connections never complete (a listening socket with a full backlog, that never
// accepts), and one that accepts and never answers. Shared by the transport and fault tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import * as net from 'node:net'

/** A port of 127.0.0.1 nothing listens on: a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

/** Whether python3 runs here: Node cannot listen without accepting, python can. */
export const canBlackHole = spawnSync('python3', ['-c', 'pass']).status === 0

/**
 * A port of 127.0.0.1 where a socket listens with a backlog of 0 and never accepts; its one queued
 * connection is taken by this process, so every other connection hangs in SYN_SENT (Linux drops
 * SYNs to a full accept queue) until the client gives up: a connect that never completes.
 */
export async function blackHole(): Promise<{ port: number; close: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    'python3',
    [
      '-c',
      'import socket,sys,time\n' +
        's=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\n' +
        'print(s.getsockname()[1],flush=True)\nsys.stdin.read()'
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] }
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())))
  })
  // Fill the accept queue (the backlog and one more, as Linux counts it).
  const fillers: net.Socket[] = []
  for (let i = 0; i < 2; i++) {
    const socket = net.connect(port, '127.0.0.1')
    socket.on('error', () => undefined)
    fillers.push(socket)
  }
  await new Promise(resolve => setTimeout(resolve, 100))
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy()
      child.stdin?.end()
      child.kill()
      await new Promise(resolve =>
        child.exitCode === null ? child.once('exit', resolve) : resolve(0)
      )
    }
  }
}

/**
 * A server on 127.0.0.1 that accepts every connection, reads it, and never answers (a proxy that
 * never answers CONNECT, too): what arrived is kept, its first 4 KiB, as latin1 text.
 */
export async function silentHost(): Promise<{
  port: number
  connections: () => number
  /** Connections the client has not closed yet. */
  open: () => number
  /** The first 4 KiB that arrived, over every connection, as latin1 text. */
  received: () => string
  close: () => Promise<void>
}> {
  const sockets = new Set<net.Socket>()
  let connections = 0
  let received = ''
  const server = net.createServer(socket => {
    connections++
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.once('close', () => sockets.delete(socket))
    socket.on('data', (chunk: Buffer) => {
      if (received.length < 4096)
        received += chunk.toString('latin1').slice(0, 4096 - received.length)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    open: () => sockets.size,
    received: () => received,
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
