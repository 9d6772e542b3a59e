/** Event descriptions and handler names, worded as the server and the drill reports word them. */
export { describeEvent, handlerName, measureLabel } from '../i18n/describe.js';
