export { main } from './main.js';
export { startEmbedded, type EmbeddedOptions, type EmbeddedHandle } from './start.js';
