/** The server's words (messages and refusals) in both languages, which the web's own texts extend. */
export { MESSAGES, type Lang } from '../i18n/messages.js';
