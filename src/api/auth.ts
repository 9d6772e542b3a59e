import { z } from 'zod';

/** `POST /api/login`. */
export const Login = z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) });
export type Login = z.input<typeof Login>;

/** The screens a user can use, decided by the server's own rules (src/server/auth/screens.ts `screensFor`). */
export interface Screens {
  report: boolean;
  approvals: boolean;
  register: boolean;
  reports: boolean;
  cases: boolean;
  my: boolean;
  admin: boolean;
  drills: boolean;
}

/** The signed-in user (`GET /api/me`). */
export interface Me {
  username: string;
  admin: boolean;
  roles: readonly string[];
  /** The plan's designations the user's roles fall under (`venue_staff`, `intake`, `reports`…). */
  designations: string[];
  /** The screens the user can use. */
  can: Screens;
  csrf_token: string | null;
}
