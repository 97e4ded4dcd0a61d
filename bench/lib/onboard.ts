// Onboarding one person through the protocol (phone -> code -> name), as the app does: the
// cold-start figure needs a signed-in user on a web-mode server the bench cannot seed.
import { io as connectClient } from 'socket.io-client';

interface AckLike {
  ok: boolean;
  error?: { code: string };
  verificationToken?: string;
  sessionToken?: string;
}

export async function onboardThroughProtocol(url: string, phone: string): Promise<string> {
  const socket = connectClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const delivered = new Promise<string>((resolve) =>
      socket.once('verificationCodeDelivered', (payload: { code: string }) =>
        resolve(payload.code),
      ),
    );
    const ask = async (event: string, payload: object): Promise<AckLike> => {
      const ack = (await socket.timeout(10_000).emitWithAck(event, payload)) as AckLike;
      if (!ack.ok) throw new Error(`${event} refused: ${ack.error?.code ?? 'unknown'}`);
      return ack;
    };
    await ask('requestVerificationCode', { phone });
    const code = await delivered;
    const { verificationToken } = await ask('verifyCode', { phone, code });
    const { sessionToken } = await ask('creatingNewUser', {
      phone,
      firstName: 'Bench',
      lastName: 'Reader',
      verificationToken,
    });
    if (!sessionToken) throw new Error('creatingNewUser gave no session token');
    return sessionToken;
  } finally {
    socket.disconnect();
  }
}
