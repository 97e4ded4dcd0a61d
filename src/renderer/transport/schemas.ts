// What the client accepts from the server. TypeScript types do not validate: a newer or broken
// server could send anything, so every payload and ack value is parsed before a machine sees it.
import { z } from 'zod';
import {
  ConversationSchema,
  ConversationSummarySchema,
  MessageSchema,
  SelfUserSchema,
  UserSchema,
} from '../../../server/protocol.ts';

export const CodeRequestedSchema = z.object({
  resendAfterMs: z.number().nonnegative(),
  expiresInMs: z.number().nonnegative(),
});

export const CodeVerifiedSchema = z.discriminatedUnion('registered', [
  z.object({ registered: z.literal(false), verificationToken: z.string().min(1) }),
  z.object({
    registered: z.literal(true),
    verificationToken: z.string().min(1),
    user: SelfUserSchema,
    sessionToken: z.string().min(1),
  }),
]);

export const UserSignedInSchema = z.object({
  user: SelfUserSchema,
  sessionToken: z.string().min(1),
});

export const NoValueSchema = z.object({});

export const MessageSentSchema = z.object({ message: MessageSchema });

export const MessagesPageSchema = z.object({
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
});

export const ConversationsAndUsersSchema = z.object({
  currentUserId: z.string().min(1),
  users: z.array(UserSchema),
  conversations: z.array(ConversationSchema),
});

export const ChannelUpdateSchema = z.object({
  conversation: ConversationSummarySchema,
  message: MessageSchema.nullable(),
});

export const VerificationCodeDeliveredSchema = z.object({
  phone: z.string(),
  code: z.string().regex(/^\d+$/),
});
