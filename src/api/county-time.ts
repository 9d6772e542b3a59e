/** Times in the county's zone, computed as the server computes them. */
export { dayIn, localInstant, wallClockText, zonedInstant } from '../engine/county-time.js';
