import { z } from 'zod';

/** A human's message to an agent, with the same rules as `POST /v1/messages`. */
export const MessageForm = z.object({
  agent: z.string().trim().min(1, 'Choose an agent.').max(64),
  body: z.string().trim().min(1, 'Write a message.').max(16_000, 'Messages are at most 16,000 characters.'),
});
