import { z } from 'zod';

/** `GET /api/approvals`: major measures awaiting a decision, or the history of decided ones. */
export const ApprovalsQuery = z.object({
  state: z.enum(['pending', 'decided']).default('pending').describe('pending: major measures awaiting a decision; decided: the history (approved, declined, and measures taken without prior approval)'),
});
export type ApprovalsQuery = z.input<typeof ApprovalsQuery>;
