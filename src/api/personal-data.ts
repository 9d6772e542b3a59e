/** The check the server makes for personal data in a register text, so the form can warn before sending. */
export { personalDataIn } from '../engine/risk/personal.js';
