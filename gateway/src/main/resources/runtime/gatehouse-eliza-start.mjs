// Starts @elizaos/server for Gatehouse (dev.gatehouse.gateway.runtime.ManagedRuntime).
// Usage: node gatehouse-eliza-start.mjs <port> <database dir> <ready file> <agents file>
//
// Contract with the gateway:
// - listens on SERVER_HOST (127.0.0.1) at <port>; elizaOS moves to the next free port when
//   <port> is taken, so the port actually bound is written to <ready file> once listening;
// - trusts X-Forwarded-For from loopback only, so the gateway's per-workspace client identity
//   becomes req.ip and elizaOS's per-IP rate limit applies per workspace; the runtime's own calls
//   to itself (its agents' message bus: three or four per message, with no X-Forwarded-For) are
//   each given an address of their own, so they never exhaust a shared loopback budget and
//   silence the agents (the gateway limits clients itself);
// - starts again, before it reports ready, every agent that was running when it last stopped
//   (their ids are kept in <agents file>);
// - shuts down (elizaOS's own SIGTERM handler: agents stopped, database closed) when its
//   standard input closes: the gateway holds the other end, so the runtime goes away with the
//   gateway even when the gateway is killed;
// - ignores SIGINT once started: ctrl-C in a terminal reaches the whole process group, and the
//   gateway must drain its in-flight requests to a live runtime before it stops the runtime.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { setAllowedEnvVars } from '@elizaos/core';

const [portArg, databaseDir, readyFile, agentsFile] = process.argv.slice(2);

// Every variable the gateway sets (the runtime's credentials, the model provider's settings)
// must stay readable by name but must never be copied into an agent. elizaOS copies the
// environment into agents in two places: core's setDefaultSecretsFromEnv merges every variable
// into each agent's settings.secrets (stopped by an empty allowlist), and the server's character
// loader copies every variable starting with "<AGENT NAME>_" (an agent named "Server" would
// receive SERVER_API_KEY as API_KEY, one named "OpenAI" OPENAI_API_KEY). Hiding the names from
// enumeration stops both, and keeps them out of any child process's inherited environment.
const VISIBLE = new Set(['PATH', 'HOME']);
setAllowedEnvVars([]);
process.env = new Proxy(process.env, {
  ownKeys: (target) => Reflect.ownKeys(target).filter((key) => VISIBLE.has(key)),
  getOwnPropertyDescriptor: (target, key) =>
    VISIBLE.has(key) ? Reflect.getOwnPropertyDescriptor(target, key) : undefined,
});
// The AI SDK warns on stderr about unsupported settings on every model call.
globalThis.AI_SDK_LOG_WARNINGS = false;

let stopping = false;
const shutDown = () => {
  stopping = true;
  process.kill(process.pid, 'SIGTERM');
};
process.stdin.on('end', shutDown);
process.stdin.on('error', shutDown);
process.stdin.resume();

const { AgentServer } = await import('@elizaos/server');
const server = new AgentServer();

// The running agents' ids, written whenever an agent starts or stops (not while shutting down:
// elizaOS then stops every agent, and they must start again next time).
const remember = () => {
  if (stopping) {
    return;
  }
  const ids = server.elizaOS.getAgents().map((agent) => agent.agentId);
  writeFileSync(agentsFile + '.tmp', JSON.stringify(ids));
  renameSync(agentsFile + '.tmp', agentsFile);
};
const startAgents = server.startAgents.bind(server);
server.startAgents = async (...args) => {
  const started = await startAgents(...args);
  remember();
  return started;
};
const unregisterAgent = server.unregisterAgent.bind(server);
server.unregisterAgent = async (...args) => {
  await unregisterAgent(...args);
  remember();
};

await server.start({ port: Number(portArg), dataDir: databaseDir });
server.app.set('trust proxy', 'loopback');
server.server.prependListener('request', (request) => {
  if (request.headers['x-forwarded-for'] === undefined) {
    // A unique-local /56 of its own: elizaOS's limiter keys IPv6 clients by their first 56 bits.
    const bits = randomBytes(7).toString('hex');
    request.headers['x-forwarded-for'] =
      `fd${bits.slice(0, 2)}:${bits.slice(2, 6)}:${bits.slice(6, 10)}:${bits.slice(10, 14)}::1`;
  }
});

if (existsSync(agentsFile)) {
  for (const id of JSON.parse(readFileSync(agentsFile, 'utf8'))) {
    try {
      const character = await server.database.getAgent(id);
      if (character) {
        await server.startAgents([{ character }]);
      }
    } catch (error) {
      console.error(`gatehouse: agent ${id} did not start again: ${error instanceof Error ? error.message : error}`);
    }
  }
}

process.removeAllListeners('SIGINT');
process.on('SIGINT', () => {});
const bound = server.server.address().port;
writeFileSync(readyFile + '.tmp', String(bound));
renameSync(readyFile + '.tmp', readyFile);
