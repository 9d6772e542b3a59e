/** Names of units and roles from the plan's organization. */
export { roleName, unitName } from '../plan/plan.js';
