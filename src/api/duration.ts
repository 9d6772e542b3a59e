/** Plan durations (`15d`, `1h30m`), read as the engine reads them. */
export { DAY, parseDuration } from '../plan/duration.js';
