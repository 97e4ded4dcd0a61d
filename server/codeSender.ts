// How a verification code reaches the person. Production would send an SMS; the development
// sender prints it on the server's stdout and hands it to the requesting socket, a simulated
// SMS the app shows so onboarding works with no phone network.
import type { Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from './protocol.ts';
import { Events } from './protocol.ts';

export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export interface CodeSender {
  send(phone: string, code: string, socket: ChatSocket): Promise<void>;
}

export interface DevelopmentCodeSenderOptions {
  /** Where the `verification code for ...` line goes; stdout by default. */
  print?: (line: string) => void;
}

export function createDevelopmentCodeSender(
  options: DevelopmentCodeSenderOptions = {},
): CodeSender {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  return {
    async send(phone, code, socket) {
      print(`verification code for ${phone}: ${code}`);
      socket.emit(Events.verificationCodeDelivered, { phone, code });
    },
  };
}
