// Starts @elizaos/server for Gatehouse (dev.gatehouse.gateway.runtime.ManagedRuntime).
// Usage: node gatehouse-eliza-start.mjs <port> <database dir> <ready file>
//
// Contract with the gateway:
// - listens on SERVER_HOST (127.0.0.1) at <port>; elizaOS moves to the next free port when
//   <port> is taken, so the port actually bound is written to <ready file> once listening;
// - trusts X-Forwarded-For from loopback only, so the gateway's per-workspace client identity
//   becomes req.ip and elizaOS's per-IP rate limit applies per workspace;
// - shuts down (elizaOS's own SIGTERM handler: agents stopped, database closed) when its
//   standard input closes: the gateway holds the other end, so the runtime goes away with the
//   gateway even when the gateway is killed;
// - ignores SIGINT once started: ctrl-C in a terminal reaches the whole process group, and the
//   gateway must drain its in-flight requests to a live runtime before it stops the runtime.
import { writeFileSync, renameSync } from 'node:fs';
import { setAllowedEnvVars } from '@elizaos/core';

const [portArg, databaseDir, readyFile] = process.argv.slice(2);

// The runtime's own credentials must stay readable by name (elizaOS reads them from process.env
// on every request) but must never be copied into an agent. elizaOS copies the environment into
// agents in two places: core's setDefaultSecretsFromEnv merges every variable into each agent's
// settings.secrets (stopped by an empty allowlist), and the server's character loader copies
// every variable starting with "<AGENT NAME>_" (an agent named "Server" would receive
// SERVER_API_KEY as API_KEY). Hiding the names from enumeration stops both, and keeps them out
// of any child process's inherited environment.
const CREDENTIALS = new Set(['ELIZA_SERVER_AUTH_TOKEN', 'SERVER_API_KEY', 'SECRET_SALT']);
setAllowedEnvVars([]);
process.env = new Proxy(process.env, {
  ownKeys: (target) => Reflect.ownKeys(target).filter((key) => !CREDENTIALS.has(key)),
  getOwnPropertyDescriptor: (target, key) =>
    CREDENTIALS.has(key) ? undefined : Reflect.getOwnPropertyDescriptor(target, key),
});

const shutDown = () => process.kill(process.pid, 'SIGTERM');
process.stdin.on('end', shutDown);
process.stdin.on('error', shutDown);
process.stdin.resume();

const { AgentServer } = await import('@elizaos/server');
const server = new AgentServer();
await server.start({ port: Number(portArg), dataDir: databaseDir });
server.app.set('trust proxy', 'loopback');
process.removeAllListeners('SIGINT');
process.on('SIGINT', () => {});
const bound = server.server.address().port;
writeFileSync(readyFile + '.tmp', String(bound));
renameSync(readyFile + '.tmp', readyFile);
