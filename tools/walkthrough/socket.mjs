// A tiny socket.io client for the README walkthrough. Event names come from the built contracts.
//   node tools/walkthrough/socket.mjs <token> listen
//   node tools/walkthrough/socket.mjs <token> send <threadId> <text...>
//   node tools/walkthrough/socket.mjs <token> sync <threadId> [afterSeq]
//   node tools/walkthrough/socket.mjs <token> claim|close|join <threadId>
// PARLEY_URL defaults to http://localhost:3000.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { io } from 'socket.io-client';

const require = createRequire(import.meta.url);
const { ClientEvent, ServerEvent } = require('../../dist/apps/api/libs/contracts/src/index.js');

const [token, command = 'listen', threadId, ...rest] = process.argv.slice(2);
if (!token) {
  process.stderr.write('usage: socket.mjs <token> listen|send|sync|claim|close|join [threadId] [text|afterSeq]\n');
  process.exit(2);
}
const socket = io(process.env.PARLEY_URL ?? 'http://localhost:3000', { auth: { token }, transports: ['websocket'] });
const print = (label, value) => process.stdout.write(`${label} ${JSON.stringify(value)}\n`);

socket.on('connect_error', (err) => {
  print('connect_error', { code: err.message, data: err.data });
  process.exit(1);
});
for (const event of Object.values(ServerEvent)) socket.on(event, (payload) => print(event, payload));

socket.on('connect', async () => {
  print('connected', { id: socket.id });
  const ask = (event, payload) => socket.timeout(5000).emitWithAck(event, payload);
  let ack;
  switch (command) {
    case 'listen':
      return; // keep printing events until Ctrl+C
    case 'send':
      ack = await ask(ClientEvent.MessageSend, { threadId, clientMsgId: randomUUID(), body: rest.join(' ') });
      break;
    case 'sync':
      ack = await ask(ClientEvent.MessagesSync, { threadId, afterSeq: Number(rest[0] ?? 0) });
      break;
    case 'claim':
      ack = await ask(ClientEvent.ThreadClaim, { threadId });
      break;
    case 'close':
      ack = await ask(ClientEvent.ThreadClose, { threadId });
      break;
    case 'join':
      ack = await ask(ClientEvent.ThreadJoin, { threadId });
      break;
    default:
      process.stderr.write(`unknown command ${command}\n`);
      process.exit(2);
  }
  print('ack', ack);
  socket.close();
});
